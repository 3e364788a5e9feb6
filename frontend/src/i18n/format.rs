//! Dates and numbers in the reader's language and time zone, through the browser's
//! `Intl` (no locale data in the wasm), and the conversions for `datetime-local` inputs.

use chrono::{DateTime, Utc};
use js_sys::{Date, Number, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

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

// --- Times in a mailing's own zone (issue 17) ------------------------------------------------
// The tz database stays out of the wasm: the browser's `Intl` knows every zone.

/// Like [`datetime`], in the IANA zone `zone` (the browser's when it does not know it).
pub fn datetime_in(lang: Lang, t: &DateTime<Utc>, zone: &str) -> String {
    js_date(t)
        .to_locale_string(
            lang.code(),
            &options(&[
                ("dateStyle", "medium"),
                ("timeStyle", "short"),
                ("timeZone", zone),
            ]),
        )
        .into()
}

/// The wall time at `t` in `zone`, as (year, month, day, hour, minute).
fn wall_parts(t: &DateTime<Utc>, zone: &str) -> Option<chrono::NaiveDateTime> {
    let opts = options(&[
        ("timeZone", zone),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
        ("hourCycle", "h23"),
    ]);
    let locales = js_sys::Array::of1(&JsValue::from_str("en-US"));
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &opts.into());
    let parts = format.format_to_parts(&js_date(t));
    let mut get = std::collections::HashMap::new();
    for part in parts.iter() {
        let kind = Reflect::get(&part, &JsValue::from_str("type"))
            .ok()?
            .as_string()?;
        let value = Reflect::get(&part, &JsValue::from_str("value"))
            .ok()?
            .as_string()?;
        get.insert(kind, value);
    }
    let n = |k: &str| get.get(k).and_then(|v| v.parse::<u32>().ok());
    chrono::NaiveDate::from_ymd_opt(n("year")? as i32, n("month")?, n("day")?)?.and_hms_opt(
        n("hour")? % 24,
        n("minute")?,
        n("second")?,
    )
}

/// `t` as the value of a `datetime-local` input showing `zone`'s wall time.
pub fn to_zone_input(t: &DateTime<Utc>, zone: &str) -> String {
    match wall_parts(t, zone) {
        Some(w) => w.format("%Y-%m-%dT%H:%M").to_string(),
        None => to_local_input(t),
    }
}

/// A `datetime-local` value read as wall time in `zone`. A time a DST change skips
/// lands just after the gap, like the server's rule.
pub fn from_zone_input(value: &str, zone: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    let naive = chrono::NaiveDateTime::parse_from_str(value.get(..16)?, "%Y-%m-%dT%H:%M").ok()?;
    let guess = naive.and_utc();
    let offset = |t: &DateTime<Utc>| wall_parts(t, zone).map(|w| w.and_utc() - *t);
    let first = guess - offset(&guess)?;
    let at_first = offset(&first)?;
    if guess - at_first == first {
        return Some(first);
    }
    let second = guess - at_first;
    if offset(&second)? == at_first {
        return Some(second);
    }
    // In a gap: neither reading exists; the later one is past the gap.
    Some(first.max(second))
}

/// Every IANA zone the browser knows (for the zone pickers), `UTC` first.
pub fn time_zones() -> Vec<String> {
    let mut zones = vec!["UTC".to_owned()];
    let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl")).ok();
    let list = intl
        .and_then(|intl| {
            let f = Reflect::get(&intl, &JsValue::from_str("supportedValuesOf")).ok()?;
            let f: js_sys::Function = f.dyn_into().ok()?;
            f.call1(&intl, &JsValue::from_str("timeZone")).ok()
        })
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok());
    if let Some(list) = list {
        zones.extend(
            list.iter()
                .filter_map(|v| v.as_string())
                .filter(|z| z != "UTC"),
        );
    }
    zones
}
