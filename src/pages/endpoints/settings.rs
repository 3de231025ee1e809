//! A deployment's request settings and health probes, as the Deploy wizard's Deployment step
//! edits them under "Advanced settings": prefilled with Azure's defaults, each field checked as
//! it is typed (whole numbers in range), sent as the deployment's ARM properties (durations in
//! ISO 8601: 500 ms is `PT0.5S`), and read back as the lines the Review step and the
//! deployment cards show.

use crate::components::TextField;
use azimuth_core::endpoints::DeploymentProperties;
use azimuth_core::time::duration_seconds;
use leptos::prelude::*;
use serde_json::{Map, Value};

/// How a setting's number is typed and sent.
#[derive(Clone, Copy, PartialEq)]
enum Unit {
    /// Milliseconds, sent as an ISO 8601 duration in seconds.
    Millis,
    /// Seconds, sent as an ISO 8601 duration.
    Seconds,
    /// A count, sent as a number.
    Count,
}

/// One setting: its ARM name, its name in a sentence, its id after its group's, its unit,
/// Azure's default and the values allowed.
struct Setting {
    arm: &'static str,
    name: &'static str,
    id: &'static str,
    unit: Unit,
    default: u32,
    min: u32,
    max: u32,
}

/// `Setting` in one line.
const fn setting(
    arm: &'static str,
    name: &'static str,
    id: &'static str,
    unit: Unit,
    (default, min, max): (u32, u32, u32),
) -> Setting {
    Setting {
        arm,
        name,
        id,
        unit,
        default,
        min,
        max,
    }
}

/// The request settings (`requestSettings`), with Azure's defaults and limits.
#[rustfmt::skip]
static REQUEST: [Setting; 3] = [
    setting("requestTimeout", "request timeout", "timeout", Unit::Millis, (5000, 1, 180_000)),
    setting("maxConcurrentRequestsPerInstance", "max concurrent requests per instance", "concurrency", Unit::Count, (1, 1, 1000)),
    setting("maxQueueWait", "max queue wait", "queue-wait", Unit::Millis, (500, 0, 180_000)),
];

/// A probe's settings (`livenessProbe`, `readinessProbe`), with Azure's defaults and limits.
#[rustfmt::skip]
static PROBE: [Setting; 5] = [
    setting("initialDelay", "initial delay", "initial-delay", Unit::Seconds, (10, 0, 3600)),
    setting("period", "period", "period", Unit::Seconds, (10, 1, 3600)),
    setting("timeout", "timeout", "timeout", Unit::Seconds, (2, 1, 3600)),
    setting("successThreshold", "success threshold", "success", Unit::Count, (1, 1, 100)),
    setting("failureThreshold", "failure threshold", "failure", Unit::Count, (30, 1, 100)),
];

/// The groups: id, heading, whose setting a message names, and the settings.
static GROUPS: [(&str, &str, &str, &[Setting]); 3] = [
    ("request", "Request settings", "", &REQUEST),
    ("liveness", "Liveness probe", "liveness probe's ", &PROBE),
    ("readiness", "Readiness probe", "readiness probe's ", &PROBE),
];

impl Setting {
    /// A value with its unit (`3000 ms`, `20 s`, `4`).
    fn shown(&self, n: f64) -> String {
        match self.unit {
            Unit::Millis => format!("{n} ms"),
            Unit::Seconds => format!("{n} s"),
            Unit::Count => n.to_string(),
        }
    }

    /// The field's label: its name, capitalized, and its unit.
    fn label(&self) -> String {
        let unit = match self.unit {
            Unit::Millis => " (ms)",
            Unit::Seconds => " (seconds)",
            Unit::Count => "",
        };
        let mut name = self.name.to_owned();
        name[..1].make_ascii_uppercase();
        name + unit
    }
}

/// The settings as typed, in the order of [`REQUEST`] and [`PROBE`]; cheap to copy.
#[derive(Clone, Copy)]
pub struct DeploymentSettings {
    request: [RwSignal<String>; 3],
    liveness: [RwSignal<String>; 5],
    readiness: [RwSignal<String>; 5],
    /// Whether "Advanced settings" is open.
    open: RwSignal<bool>,
}

impl DeploymentSettings {
    /// Azure's defaults.
    pub fn new() -> Self {
        let field = |s: &Setting| RwSignal::new(s.default.to_string());
        DeploymentSettings {
            request: REQUEST.each_ref().map(field),
            liveness: PROBE.each_ref().map(field),
            readiness: PROBE.each_ref().map(field),
            open: RwSignal::new(false),
        }
    }

    /// The fields, by group of [`GROUPS`].
    fn fields(&self) -> [Vec<RwSignal<String>>; 3] {
        [
            self.request.to_vec(),
            self.liveness.to_vec(),
            self.readiness.to_vec(),
        ]
    }

    /// Every field's text, by group (reactive).
    fn texts(&self) -> [Vec<String>; 3] {
        self.fields().map(|g| g.iter().map(|f| f.get()).collect())
    }

    /// What is wrong with the first field that is wrong, if any (reactive).
    pub fn error(&self) -> Option<String> {
        GROUPS
            .iter()
            .zip(self.texts())
            .find_map(|((_, _, owner, settings), texts)| {
                settings
                    .iter()
                    .zip(texts)
                    .find_map(|(s, text)| field_error(s, owner, &text))
            })
    }

    /// Writes the settings into `p` as ARM has them (a field that is wrong: its default).
    pub fn apply(&self, p: &mut DeploymentProperties) {
        let [request, liveness, readiness] = untrack(|| self.texts());
        p.request_settings = arm(&REQUEST, &request);
        p.liveness_probe = arm(&PROBE, &liveness);
        p.readiness_probe = arm(&PROBE, &readiness);
    }

    /// Tracks every field (for a view of [`Self::apply`]'s result).
    pub fn track(&self) {
        let _ = self.texts();
    }
}

/// A field's whole number, when it is one in range.
fn value(s: &Setting, text: &str) -> Option<u32> {
    let n = text.trim().parse::<u32>().ok()?;
    (s.min..=s.max).contains(&n).then_some(n)
}

/// What is wrong with a field's text, if anything; `owner` names the probe.
fn field_error(s: &Setting, owner: &str, text: &str) -> Option<String> {
    let unit = match s.unit {
        Unit::Millis => " of milliseconds",
        Unit::Seconds => " of seconds",
        Unit::Count => "",
    };
    value(s, text).is_none().then(|| {
        format!(
            "The {owner}{} is a whole number{unit} from {} to {}.",
            s.name, s.min, s.max
        )
    })
}

/// A group's fields as ARM takes them.
fn arm(settings: &[Setting], texts: &[String]) -> Map<String, Value> {
    settings
        .iter()
        .zip(texts)
        .map(|(s, text)| {
            let n = value(s, text).unwrap_or(s.default);
            let v = match s.unit {
                Unit::Millis => Value::from(format!("PT{}S", f64::from(n) / 1000.0)),
                Unit::Seconds => Value::from(format!("PT{n}S")),
                Unit::Count => Value::from(n),
            };
            (s.arm.to_owned(), v)
        })
        .collect()
}

/// The request settings and probes of a deployment, a line each: (label, settings in words).
pub fn settings_lines(p: &DeploymentProperties) -> [(&'static str, String); 3] {
    let line = |settings: &[Setting], map: &Map<String, Value>| {
        let parts = settings.iter().filter_map(|s| {
            let v = map.get(s.arm)?;
            let n = match s.unit {
                Unit::Millis => duration_seconds(v.as_str()?)? * 1000.0,
                Unit::Seconds => duration_seconds(v.as_str()?)?,
                Unit::Count => v.as_f64()?,
            };
            Some(format!("{} {}", s.name, s.shown(n)))
        });
        parts.collect::<Vec<_>>().join(", ")
    };
    [
        ("Request settings", line(&REQUEST, &p.request_settings)),
        ("Liveness probe", line(&PROBE, &p.liveness_probe)),
        ("Readiness probe", line(&PROBE, &p.readiness_probe)),
    ]
}

/// "Advanced settings": a button that shows the request settings and both probes, each field's
/// message beside it; it opens by itself when Next (`tried`) finds one of them wrong.
pub fn settings_fields(settings: DeploymentSettings, tried: RwSignal<bool>) -> impl IntoView {
    Effect::new(move || {
        if tried.get() && settings.error().is_some() {
            settings.open.set(true);
        }
    });
    let groups = move || {
        GROUPS
            .iter()
            .zip(settings.fields())
            .map(|((group, legend, owner, list), fields)| {
                let inputs = list.iter().zip(fields).map(|(s, value)| {
                    let error = Signal::derive(move || value.with(|t| field_error(s, owner, t)));
                    let hint = format!("Azure's default: {}.", s.shown(f64::from(s.default)));
                    view! { <TextField label=s.label() id=format!("{group}-{}", s.id) value error hint /> }
                });
                view! {
                    <fieldset class="deployment-settings__group">
                        <legend>{*legend}</legend>
                        {inputs.collect_view()}
                    </fieldset>
                }
            })
            .collect_view()
    };
    view! {
        <button type="button" class="button button--subtle deployment-settings__toggle" aria-expanded=move || settings.open.get().to_string()
            aria-controls="deployment-settings" on:click=move |_| settings.open.update(|o| *o = !*o)>
            <span aria-hidden="true">{move || if settings.open.get() { "▾ " } else { "▸ " }}</span>
            "Advanced settings"
        </button>
        <Show when=move || settings.open.get()>
            <div id="deployment-settings" class="deployment-settings">
                <p class="muted deployment-settings__note">"How requests queue and time out, and how Azure checks that an instance is alive (liveness) and ready for requests (readiness). Azure's defaults are filled in."</p>
                {groups}
            </div>
        </Show>
    }
}
