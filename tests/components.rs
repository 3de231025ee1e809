//! Component tests in headless Chromium (wasm-bindgen-test): widgets mounted alone, used the way
//! a person would, and checked through the DOM.
#![cfg(target_arch = "wasm32")]

use azimuth_core::{ComputeResource, Workspace};
use azimuth_studio::components::{ComputeNameField, StateBadge};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "components/training.rs"]
mod training;

/// Mounts a view in a fresh container and returns the container.
fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    std::mem::forget(leptos::mount::mount_to(container.clone(), view));
    container
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
}

fn find(container: &HtmlElement, selector: &str) -> HtmlElement {
    container
        .query_selector(selector)
        .unwrap()
        .unwrap()
        .unchecked_into()
}

fn workspace_with(name: &str) -> Workspace {
    let mut ws = Workspace::seed(0);
    let body: ComputeResource = serde_json::from_str(r#"{"properties":{"computeType":"ComputeInstance","properties":{"vmSize":"Standard_DS11_v2"}}}"#).unwrap();
    ws.create_instance("Ada Lovelace", name, body, 0).unwrap();
    ws
}

#[wasm_bindgen_test]
async fn name_field_checks_rules_and_uniqueness_as_you_type() {
    let value = RwSignal::new(String::new());
    let workspace = Signal::stored(workspace_with("ci-taken"));
    let c = mount(move || view! { <ComputeNameField value workspace /> });
    let input: HtmlInputElement = find(&c, "input").unchecked_into();
    let error = find(&c, ".field__error");
    let label = find(&c, "label");
    assert_eq!(
        label.text_content().unwrap().trim_end_matches(" *"),
        "Compute name"
    );
    assert_eq!(
        input.get_attribute("aria-invalid"),
        None,
        "an empty field is not shown as wrong yet"
    );

    let cases = [
        (
            "cpu-cluster-1",
            Some("Numbers cannot be the ending of the name"),
        ),
        ("ab", Some("between 3 and 24 characters")),
        ("1abc", Some("must start with a letter")),
        ("ci_a", Some("'_' is not allowed")),
        ("CI-TAKEN", Some("unique within a region")),
        ("ci-a1b", None),
        ("Lab-VM2", None),
    ];
    for (text, expected) in cases {
        type_into(&input, text);
        leptos::task::tick().await;
        assert_eq!(value.get_untracked(), text);
        let shown = error.text_content().unwrap_or_default();
        match expected {
            Some(fragment) => {
                assert!(shown.contains(fragment), "{text}: got {shown:?}");
                assert_eq!(
                    input.get_attribute("aria-invalid").as_deref(),
                    Some("true"),
                    "{text}"
                );
                let described = input.get_attribute("aria-describedby").unwrap_or_default();
                assert!(
                    described.split(' ').any(|id| id == error.id()),
                    "{text}: the error describes the input"
                );
            }
            None => {
                assert!(shown.is_empty(), "{text}: unexpected error {shown:?}");
                assert_eq!(input.get_attribute("aria-invalid"), None, "{text}");
            }
        }
    }
}

#[wasm_bindgen_test]
async fn state_badge_follows_the_state_with_icon_and_text() {
    let state = RwSignal::new("Creating".to_owned());
    let c = mount(move || view! { <StateBadge state /> });
    let badge = find(&c, "[data-state]");
    assert_eq!(badge.text_content().unwrap(), "Creating");
    assert!(badge.class_name().contains("state-badge--busy"));
    assert!(
        c.query_selector(".spinner").unwrap().is_some(),
        "a transition shows a spinner"
    );

    for (s, tone) in [
        ("Running", "success"),
        ("Stopped", "neutral"),
        ("CreateFailed", "danger"),
        ("Deleting", "busy"),
    ] {
        state.set(s.to_owned());
        leptos::task::tick().await;
        assert_eq!(badge.text_content().unwrap(), s);
        assert_eq!(badge.get_attribute("data-state").as_deref(), Some(s));
        assert!(
            badge.class_name().contains(&format!("state-badge--{tone}")),
            "{s}"
        );
        let has_spinner = c.query_selector(".spinner").unwrap().is_some();
        assert_eq!(has_spinner, tone == "busy", "{s}");
        // The icon is decorative: the state is in the text.
        if let Some(svg) = c.query_selector("svg").unwrap() {
            assert_eq!(svg.get_attribute("aria-hidden").as_deref(), Some("true"));
        }
    }
}

#[wasm_bindgen_test]
fn times_are_written_as_intl_writes_them_in_en_us() {
    use azimuth_studio::components::format_time;
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into()).unwrap();
    js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into()).unwrap();
    let locales = js_sys::Array::of1(&"en-US".into());
    let intl = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
    // Midnight, noon, the hours around them, a single-digit day, and every month.
    let hour = 3_600_000i64;
    let start = js_sys::Date::new_with_year_month_day(2026, 0, 5).get_time() as i64;
    for n in 0..400i64 {
        let ms = start + n * (23 * hour + 7 * 60_000);
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
        let expected = intl.call1(&wasm_bindgen::JsValue::NULL, &date).unwrap();
        // Chromium writes a plain space before AM/PM in en-US; other engines a narrow one.
        let expected = expected.as_string().unwrap().replace('\u{202f}', " ");
        assert_eq!(format_time(ms), expected, "{ms}");
    }
    assert_eq!(format_time(i64::MAX), "");
}

#[wasm_bindgen_test]
fn money_is_shown_from_cents_and_grouped_by_thousands() {
    use azimuth_studio::components::{format_price, format_usd};
    assert_eq!(format_usd(0), "$0.00");
    assert_eq!(format_usd(750), "$7.50");
    assert_eq!(format_usd(123_450), "$1,234.50");
    assert_eq!(format_usd(100_000_000), "$1,000,000.00");
    assert_eq!(format_price(29), "$0.29/hr");
}

/// Numbers read in the browser, where what the exact path leaves goes to `parseFloat`, are
/// read bit for bit as Rust's own reader reads them.
#[wasm_bindgen_test]
fn numbers_read_in_the_browser_as_rust_reads_them() {
    use azimuth_core::ml::decimal::conformance::{disagreement, generated, CASES};
    let cases = CASES.iter().map(|case| case.to_string());
    let wrong: Vec<String> = cases
        .chain(generated(5_000, 11))
        .filter_map(|case| disagreement(&case))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}
