//! Dates and numbers in the reader's language and time zone, through the browser's
//! `Intl` (no locale data in the wasm), and the conversions for `datetime-local` inputs.

use chrono::{DateTime, Utc};
use js_sys::{Date, Number, Object, Reflect};
use wasm_bindgen::JsValue;

use super::Lang;

fn js_date(t: &DateTime<Utc>) -> Date {
    Date::new(&JsValue::from_f64(t.timestamp_millis() as f64))
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object.into()
}

/// `23 нояб. 2026 г., 16:33` / `Nov 23, 2026, 4:33 PM`, in the browser's time zone: the
/// one format of every date-time in a table (mailings, messages, runs, the delivery log,
/// users, posts), so columns read alike everywhere.
pub fn datetime(lang: Lang, t: &DateTime<Utc>) -> String {
    js_date(t)
        .to_locale_string(
            lang.code(),
            &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
        )
        .into()
}

/// Like [`datetime`], with seconds: only as a tooltip beside it (the delivery log).
pub fn datetime_precise(lang: Lang, t: &DateTime<Utc>) -> String {
    js_date(t)
        .to_locale_string(
            lang.code(),
            &options(&[("dateStyle", "short"), ("timeStyle", "medium")]),
        )
        .into()
}

/// The date only: `23 нояб. 2026 г.` / `Nov 23, 2026`.
pub fn date(lang: Lang, t: &DateTime<Utc>) -> String {
    js_date(t)
        .to_locale_date_string(lang.code(), &options(&[("dateStyle", "long")]))
        .into()
}

/// A calendar day (UTC) short: `23 нояб.` / `Nov 23`.
pub fn day_month(lang: Lang, day: &chrono::NaiveDate) -> String {
    let millis = day
        .and_hms_opt(12, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or_default();
    Date::new(&JsValue::from_f64(millis as f64))
        .to_locale_date_string(
            lang.code(),
            &options(&[("month", "short"), ("day", "numeric"), ("timeZone", "UTC")]),
        )
        .into()
}

/// `1 234 567` / `1,234,567`.
pub fn number(lang: Lang, n: i64) -> String {
    Number::from(n as f64).to_locale_string(lang.code()).into()
}

/// A share from 0 to 1 as a percentage with at most one decimal: `97.5%` / `97,5 %`.
pub fn percent(lang: Lang, share: f64) -> String {
    let locales = js_sys::Array::of1(&JsValue::from_str(lang.code()));
    let options = Object::new();
    let _ = Reflect::set(&options, &"style".into(), &"percent".into());
    let _ = Reflect::set(
        &options,
        &"maximumFractionDigits".into(),
        &JsValue::from_f64(1.0),
    );
    js_sys::Intl::NumberFormat::new(&locales, &options)
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(share))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("{:.1}%", share * 100.0))
}

/// The browser's IANA time zone, e.g. `Europe/Moscow` (empty if it cannot tell).
pub fn time_zone() -> String {
    let format = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &Object::new());
    Reflect::get(&format.resolved_options(), &JsValue::from_str("timeZone"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// Milliseconds since the epoch, now (chrono's clock does not run in wasm32).
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(Date::now() as i64).unwrap_or_default()
}

/// A UTC instant as the value of an `<input type="datetime-local">`: local wall time,
/// `YYYY-MM-DDTHH:MM`.
pub fn to_local_input(t: &DateTime<Utc>) -> String {
    let d = js_date(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// The value of an `<input type="datetime-local">` (local wall time) as a UTC instant.
/// `None` for an empty or malformed value.
pub fn from_local_input(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    // Only the form the input produces; ECMAScript reads a date-time without an offset
    // as local time.
    let looks_right = value.len() >= 16
        && value.as_bytes().get(10) == Some(&b'T')
        && value[..10].bytes().filter(|b| *b == b'-').count() == 2;
    if !looks_right {
        return None;
    }
    let millis = Date::parse(value);
    if millis.is_nan() {
        return None;
    }
    DateTime::from_timestamp_millis(millis as i64)
}
