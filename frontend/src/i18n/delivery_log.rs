//! The delivery log's server texts in Russian. Herald writes the reasons it knows in
//! English (`template_too_large: …`, `no reply within 15 s`, `… (try 1 of 5; next in
//! 60 s)`, connection errors); SMTP replies themselves (`550 5.1.1 …`) are the remote
//! server's words and stay as they are.

/// The Russian for a reason Herald writes; `None` when nothing in it is known.
pub fn ru(text: &str) -> Option<String> {
    let (head, note) = split_note(text);
    let head_ru = head_ru(head);
    let note_ru = note.and_then(note_ru);
    if head_ru.is_none() && note_ru.is_none() {
        return None;
    }
    let mut out = head_ru.unwrap_or_else(|| head.to_owned());
    if let Some(note) = note_ru.or_else(|| note.map(|n| format!(" ({n})"))) {
        out.push_str(&note);
    }
    Some(out)
}

/// `reason (try 1 of 5; next in 60 s)` -> (`reason`, `try 1 of 5; next in 60 s`).
fn split_note(text: &str) -> (&str, Option<&str>) {
    for marker in [" (try ", " (gave up after "] {
        if let Some(at) = text.rfind(marker) {
            if text.ends_with(')') {
                return (&text[..at], Some(&text[at + 2..text.len() - 1]));
            }
        }
    }
    (text, None)
}

fn note_ru(note: &str) -> Option<String> {
    if let Some(rest) = note.strip_prefix("gave up after ") {
        let n = rest.trim_end_matches(" tries");
        return Some(format!(" (отправка прекращена после {n} попыток)"));
    }
    let rest = note.strip_prefix("try ")?;
    let (tries, next) = rest.split_once("; next in ")?;
    let (n, of) = tries.split_once(" of ")?;
    let secs = next.trim_end_matches(" s");
    Some(format!(" (попытка {n} из {of}; следующая через {secs} с)"))
}

fn head_ru(head: &str) -> Option<String> {
    if let Some(rest) = head.strip_prefix("template_too_large") {
        let bytes = rest
            .rsplit("exceed ")
            .next()
            .map(|b| b.trim_end_matches(" bytes").trim())
            .filter(|b| !b.is_empty() && b.chars().all(|c| c.is_ascii_digit()));
        return Some(match bytes {
            Some(b) => {
                format!("письмо слишком большое: после подстановок оно превысило бы {b} байт")
            }
            None => "письмо слишком большое после подстановок".to_owned(),
        });
    }
    if let Some(secs) = head
        .strip_prefix("no reply within ")
        .and_then(|r| r.strip_suffix(" s"))
    {
        return Some(format!("сервер не ответил за {secs} с"));
    }
    if head == "the message template does not compile" {
        return Some("в шаблоне сообщения ошибка".to_owned());
    }
    if let Some(why) = head.strip_prefix("internal error while preparing or sending this email: ") {
        return Some(format!(
            "внутренняя ошибка при подготовке или отправке письма: {why}"
        ));
    }
    if let Some(rest) = head.strip_prefix("recipient address ") {
        let address = rest.split(" is not valid").next().unwrap_or(rest);
        return Some(format!("адрес получателя {address} недействителен"));
    }
    let lower = head.to_ascii_lowercase();
    let known = [
        ("connection refused", "сервер отклонил соединение"),
        ("connection reset", "соединение сброшено"),
        ("timed out", "время ожидания истекло"),
        ("broken pipe", "соединение прервано"),
        ("network is unreachable", "сеть недоступна"),
        ("no route to host", "нет пути к серверу"),
        ("failed to lookup address", "имя сервера не найдено"),
        ("name or service not known", "имя сервера не найдено"),
        ("connection closed", "сервер закрыл соединение"),
        ("unexpected eof", "сервер закрыл соединение"),
    ];
    known
        .iter()
        .find(|(en, _)| lower.contains(en))
        .map(|(_, ru)| format!("{ru} ({head})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_reasons_and_retry_notes_are_said_in_russian() {
        assert_eq!(
            ru("template_too_large: the rendered email would exceed 4194304 bytes").as_deref(),
            Some("письмо слишком большое: после подстановок оно превысило бы 4194304 байт")
        );
        assert_eq!(
            ru("no reply within 15 s (try 1 of 5; next in 60 s)").as_deref(),
            Some("сервер не ответил за 15 с (попытка 1 из 5; следующая через 60 с)")
        );
        assert_eq!(
            ru("Connection refused (os error 111) (gave up after 5 tries)").as_deref(),
            Some("сервер отклонил соединение (Connection refused (os error 111)) (отправка прекращена после 5 попыток)")
        );
        // The remote server's own reply stays, a retry note beside it is translated.
        assert_eq!(
            ru("451 4.7.1 Greylisted (try 2 of 5; next in 120 s)").as_deref(),
            Some("451 4.7.1 Greylisted (попытка 2 из 5; следующая через 120 с)")
        );
        assert_eq!(ru("550 5.1.1 no such user"), None);
        assert_eq!(ru("250 OK"), None);
    }
}
