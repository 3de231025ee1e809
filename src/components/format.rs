//! Formatting for people: local times and prices.

thread_local! {
    /// One formatter for every time shown: `Date.toLocaleString` builds a new one on each call,
    /// which took 39 ms for the rows of a runs page on its first load (Chromium's profiler).
    static TIME_FORMAT: js_sys::Function = {
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
        let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
        let locales = js_sys::Array::of1(&"en-US".into());
        js_sys::Intl::DateTimeFormat::new(&locales, &options).format()
    };
}

/// An instant in the viewer's locale, e.g. `Nov 22, 2026, 8:30 PM`.
pub fn format_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    TIME_FORMAT
        .with(|format| format.call1(&wasm_bindgen::JsValue::NULL, &date))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// An ISO 8601 instant from ARM in the viewer's locale; the text itself when it is not one.
pub fn format_iso_time(iso: &str) -> String {
    azimuth_core::time::parse_iso(iso).map_or_else(|| iso.to_owned(), format_time)
}

/// An amount in US cents as dollars, e.g. `$1,234.50` (integer arithmetic, which keeps float
/// formatting out of the wasm; amounts are rounded once, in `azimuth_core::compute::cost`).
pub fn format_usd(cents: u64) -> String {
    let dollars = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, digit) in dollars.chars().enumerate() {
        if i > 0 && (dollars.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("${grouped}.{:02}", cents % 100)
}

/// An estimated price per hour in cents, e.g. `$0.19/hr`.
pub fn format_price(cents_per_hour: u64) -> String {
    format!("{}/hr", format_usd(cents_per_hour))
}
