//! Formatting for people: local times and prices.

/// The months as en-US writes them short.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An instant in the viewer's time zone, as en-US writes it, e.g. `Nov 22, 2026, 8:30 PM`:
/// what `Intl.DateTimeFormat("en-US", {dateStyle: "medium", timeStyle: "short"})` writes, made
/// from `Date`'s local fields. The first `Intl.DateTimeFormat` of a page loads the locale's
/// data: 15 to 24 ms on the main thread here, on the critical path of every page that shows a
/// time (a runs page's first rows among them); the `Date` fields cost nothing measurable.
pub fn format_time(ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    if date.get_time().is_nan() {
        return String::new();
    }
    let month = MONTHS.get(date.get_month() as usize).copied().unwrap_or("");
    let hours = date.get_hours();
    let (hour, half) = match hours {
        0 => (12, "AM"),
        1..=11 => (hours, "AM"),
        12 => (12, "PM"),
        _ => (hours - 12, "PM"),
    };
    format!(
        "{month} {}, {}, {hour}:{:02} {half}",
        date.get_date(),
        date.get_full_year(),
        date.get_minutes()
    )
}

/// An ISO 8601 instant from ARM as [`format_time`] writes it; the text itself when it is not one.
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
