//! The Consume tab's code: a scoring request in curl, Python (urllib, as Azure's studio writes
//! it, and requests) and C# (HttpClient), each with the real scoring address, the request body
//! and the key or token (a placeholder until it is shown).

/// The languages offered, with the file a download names.
pub const LANGUAGES: [(&str, &str); 4] = [
    ("curl", "score.sh"),
    ("Python (urllib)", "score.py"),
    ("Python (requests)", "score_requests.py"),
    ("C#", "Program.cs"),
];

/// What every snippet needs.
pub struct Call<'a> {
    /// The scoring address.
    pub uri: &'a str,
    /// The key or token, or a placeholder.
    pub credential: &'a str,
    /// The request body (JSON).
    pub body: &'a str,
}

/// The snippet of `language` (one of [`LANGUAGES`]).
pub fn snippet(language: &str, call: &Call) -> String {
    match language {
        "Python (urllib)" => python_urllib(call),
        "Python (requests)" => python_requests(call),
        "C#" => csharp(call),
        _ => curl(call),
    }
}

/// Text inside shell single quotes.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn curl(c: &Call) -> String {
    format!(
        "curl -X POST {} \\\n  -H {} \\\n  -H 'Content-Type: application/json' \\\n  -d {}\n",
        shell_quoted(c.uri),
        shell_quoted(&format!("Authorization: Bearer {}", c.credential)),
        shell_quoted(c.body)
    )
}

/// A Python string literal.
fn py_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// The body as a Python expression: JSON's `null`, `true` and `false` read as Python's.
fn py_data(body: &str) -> String {
    format!("json.loads(r'''{}''')", body.replace("'''", r"\'\'\'"))
}

fn python_urllib(c: &Call) -> String {
    format!(
        r#"import json
import urllib.request

data = {data}
body = str.encode(json.dumps(data))

url = {url}
api_key = {key}

headers = {{"Content-Type": "application/json", "Authorization": "Bearer " + api_key}}
# To send it to one deployment, skipping the traffic split:
# headers["azureml-model-deployment"] = "blue"

req = urllib.request.Request(url, body, headers)
try:
    with urllib.request.urlopen(req) as response:
        print(json.loads(response.read()))
except urllib.error.HTTPError as error:
    print("The request failed with status code: " + str(error.code))
    print(error.read().decode("utf8", "ignore"))
"#,
        data = py_data(c.body),
        url = py_string(c.uri),
        key = py_string(c.credential),
    )
}

fn python_requests(c: &Call) -> String {
    format!(
        r#"import json
import requests

data = {data}
url = {url}
api_key = {key}

response = requests.post(url, json=data, headers={{"Authorization": "Bearer " + api_key}})
print(response.status_code, response.headers.get("azureml-model-deployment"))
print(response.json())
"#,
        data = py_data(c.body),
        url = py_string(c.uri),
        key = py_string(c.credential),
    )
}

/// A C# verbatim string literal.
fn cs_verbatim(text: &str) -> String {
    format!("@\"{}\"", text.replace('"', "\"\""))
}

fn csharp(c: &Call) -> String {
    format!(
        r#"using System.Net.Http.Headers;
using System.Text;

using var client = new HttpClient();
var requestBody = {body};
const string apiKey = {key};
client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
// To send it to one deployment, skipping the traffic split:
// client.DefaultRequestHeaders.Add("azureml-model-deployment", "blue");

var content = new StringContent(requestBody, Encoding.UTF8, "application/json");
var response = await client.PostAsync({url}, content);
var result = await response.Content.ReadAsStringAsync();
Console.WriteLine(response.IsSuccessStatusCode
    ? result
    : $"The request failed with status code: {{response.StatusCode}}\n{{result}}");
"#,
        body = cs_verbatim(c.body),
        key = cs_verbatim(c.credential),
        url = cs_verbatim(c.uri),
    )
}
