//! Русские тексты.

use super::{plural_ru, Texts};

/// The server writes its messages in English; the common ones are translated here.
fn server_text(text: &str) -> Option<String> {
    let exact = match text {
        "is not a valid email address" => "не похоже на адрес электронной почты",
        "must be at least 10 characters" => "не короче 10 символов",
        "must be at most 256 characters" => "не длиннее 256 символов",
        "must mix at least two of: letters, digits, other characters" => {
            "должен сочетать хотя бы два вида знаков: буквы, цифры, другие символы"
        }
        "must be 1 to 200 characters" => "от 1 до 200 символов",
        "must be at most 200 characters" => "не длиннее 200 символов",
        "must be at most 2000 characters" => "не длиннее 2000 символов",
        "must be 1 to 998 characters" => "от 1 до 998 символов",
        "must be a single line" => "должна быть одной строкой",
        "must be one line: no line breaks, tabs or other control characters" => {
            "должно быть одной строкой: без переводов строки, табуляций и других управляющих символов"
        }
        "full_name must be one line: no line breaks, tabs or other control characters" => {
            "full_name: должно быть одной строкой, без переводов строки, табуляций и других управляющих символов"
        }
        "is missing" => "не указан",
        "must be one of: once, daily, weekly, monthly" => "выберите периодичность",
        "this email is already registered" => "этот адрес уже зарегистрирован",
        "wrong email or password" => "неверный адрес или пароль",
        "the email address is not confirmed yet" => "адрес электронной почты ещё не подтверждён",
        "the account is blocked" => "учётная запись заблокирована",
        "the link is unknown, already used, or expired" => {
            "ссылка неизвестна, уже использована или устарела"
        }
        "is required to change the password" => "нужен, чтобы сменить пароль",
        "is incorrect" => "неверный",
        "a recipient with this email is already in your list" => {
            "получатель с этим адресом уже есть в вашем списке"
        }
        "the message is used by a mailing" => "это сообщение используется в рассылке",
        "the mailing is disabled" => "рассылка отключена",
        "the mailing is finished" => "рассылка завершена",
        "must be at most 500 characters" => "не длиннее 500 символов",
        "no recipient's last delivery failed" => "нет получателей с неудачной последней доставкой",
        "no recipient's last delivery failed temporarily (permanent failures are retried only with include_permanent=true)" => {
            "нет получателей с временной ошибкой последней доставки (постоянные ошибки повторяются, только если это отмечено)"
        }
        "must be after start_at" => "должно быть позже начала",
        "must be in the future" => "должно быть в будущем",
        "is not one of your messages" => "это не ваше сообщение",
        "every recipient must be one of your clients" => {
            "все получатели должны быть из вашего списка"
        }
        "must name at least one recipient" => "выберите хотя бы одного получателя",
        "choose recipients: client_ids, or all_clients: true" => "выберите получателей",
        "the header line must name an `email` column" => {
            "в первой строке должен быть столбец `email`"
        }
        "full_name must be at most 200 characters" => "full_name: не длиннее 200 символов",
        "comment must be at most 2000 characters" => "comment: не длиннее 2000 символов",
        "must be 1 to 300 characters" => "от 1 до 300 символов",
        "must be at most 200,000 characters" => "не длиннее 200 000 символов",
        "must be a lowercase letter followed by 1 to 39 lowercase letters, digits or underscores" => {
            "строчная латинская буква, затем от 1 до 39 строчных букв, цифр или _"
        }
        "a role with this name already exists" => "роль с таким названием уже есть",
        "you cannot block or unblock your own account" => {
            "нельзя заблокировать или разблокировать собственную учётную запись"
        }
        "you cannot change your own role" => "нельзя изменить собственную роль",
        "only a holder of roles.manage can block an account that holds it" => {
            "заблокировать учётную запись с правом roles.manage может только обладатель этого права"
        }
        "no role has this name" => "роли с таким названием нет",
        "the file is not a PNG, JPEG, WebP or GIF image" => "файл не является изображением PNG, JPEG, WebP или GIF",
        "is required" => "обязательно",
        _ => "",
    };
    if !exact.is_empty() {
        return Some(exact.to_owned());
    }
    if let Some(rest) = text.strip_prefix("email ") {
        return server_text(rest).map(|t| format!("email: {t}"));
    }
    // zxcvbn's own advice follows the colon, in English: say it in Russian instead.
    if text.starts_with("is too easy to guess") {
        return Some(
            "слишком легко угадать: возьмите несколько несвязанных слов или фразу подлиннее"
                .to_owned(),
        );
    }
    if let Some(rest) = text.strip_prefix("unknown placeholder ") {
        let name = rest.split_whitespace().next().unwrap_or(rest);
        return Some(match rest.split_once("did you mean ") {
            Some((_, s)) => format!(
                "неизвестная подстановка {name} — может быть, {}?",
                s.trim_end_matches(['?', ')'])
            ),
            None => format!("неизвестная подстановка {name}"),
        });
    }
    if text.starts_with("the built-in role ") {
        return Some("встроенную роль нельзя менять или удалять".to_owned());
    }
    if text.starts_with("images are limited to ") {
        return Some("изображение не больше 5 МБ".to_owned());
    }
    if text.starts_with("only the owner may ") {
        return Some("изменять рассылку может только её владелец".to_owned());
    }
    None
}

pub static TEXTS: Texts = Texts {
    footer: "Herald — рассылки электронной почты на своём сервере",
    loading: "Загрузка…",
    try_again: "Повторить",
    save: "Сохранить",
    saving: "Сохранение…",
    saved: "Сохранено.",
    cancel: "Отмена",
    edit: "Изменить",
    delete: "Удалить",
    delete_confirm: "Удалить насовсем?",
    delete_yes: "Да, удалить",
    back: "Назад",
    actions: "Действия",
    optional: "необязательно",
    previous_page: "← Назад",
    next_page: "Вперёд →",
    page_of: |page, pages| format!("Страница {page} из {pages}"),
    rows_total: |n| format!("всего {n}"),
    pagination: "Страницы",
    language: "Язык",
    password_show: "Показать",
    password_hide: "Скрыть",

    err_network: "Не удалось связаться с сервером. Проверьте подключение и повторите.",
    err_server: "На сервере что-то пошло не так. Повторите чуть позже.",
    err_unauthorized: "Сеанс завершён. Войдите снова.",
    err_forbidden: "У вас нет прав на это действие.",
    err_not_found: "Не найдено: возможно, запись удалена или принадлежит не вам.",
    err_validation: "Исправьте отмеченные поля.",
    err_conflict: "Это противоречит уже существующим данным.",
    err_rate_limited: "Слишком много попыток. Подождите немного и повторите.",
    err_too_large: "Слишком большой объём для сервера.",
    err_bad_request: "Сервер не смог принять этот запрос.",
    err_decode: "Сервер ответил неожиданным образом.",
    server_text,

    nav_main: "Главное меню",
    nav_menu: "Меню",
    nav_mailings: "Рассылки",
    nav_messages: "Сообщения",
    nav_recipients: "Получатели",
    nav_stats: "Статистика",
    nav_blog: "Блог",
    nav_users: "Пользователи",
    nav_roles: "Роли",
    nav_posts: "Записи блога",
    nav_profile: "Профиль",
    nav_sign_in: "Войти",
    nav_register: "Регистрация",
    nav_sign_out: "Выйти",

    home_title: "Напоминайте о себе клиентам",
    home_lead: "Herald отправляет ваши рассылки один раз или по расписанию с вашего \
                собственного сервера и показывает, что было доставлено.",
    home_figures: "Herald в цифрах",
    home_loading: "Загрузка показателей…",
    home_mailings: "Рассылки",
    home_active: "Активные рассылки",
    home_recipients: "Уникальные получатели",
    home_blog: "Из блога",
    home_get_started: "Начать",
    home_open_mailings: "Открыть рассылки",

    field_email: "Электронная почта",
    field_password: "Пароль",
    field_full_name: "Имя и фамилия",
    field_current_password: "Текущий пароль",
    field_new_password: "Новый пароль",
    field_repeat_password: "Новый пароль ещё раз",
    password_hint: "Не короче 10 символов; хотя бы два вида знаков: буквы, цифры, другие символы.",
    passwords_differ: "Пароли не совпадают.",
    go_sign_in: "Перейти ко входу",

    login_title: "Вход",
    login_submit: "Войти",
    login_busy: "Вход…",
    login_no_account: "Ещё нет учётной записи?",
    login_register_link: "Зарегистрируйтесь",
    login_forgot: "Забыли пароль?",
    login_wrong: "Неверный адрес или пароль.",
    login_unverified: "Адрес электронной почты ещё не подтверждён. Откройте ссылку из письма \
                       или запросите новую.",
    login_blocked: "Учётная запись заблокирована. Обратитесь к менеджеру сервиса.",
    login_session_ended: "Сеанс завершён. Войдите снова.",
    resend_link: "Отправить ссылку ещё раз",
    resend_done: "Если учётная запись существует и ещё не подтверждена, новая ссылка уже в пути.",

    register_title: "Регистрация",
    register_submit: "Зарегистрироваться",
    register_busy: "Регистрация…",
    register_have_account: "Уже есть учётная запись?",
    register_done_title: "Проверьте почту",
    register_done: |email| {
        format!("Мы отправили ссылку для подтверждения на {email}. Откройте её, чтобы активировать учётную запись.")
    },

    verify_title: "Подтверждение адреса",
    verify_busy: "Подтверждаем адрес…",
    verify_ok: "Адрес подтверждён. Теперь можно войти.",
    verify_bad: "Ссылка недействительна, уже использована или устарела.",
    verify_no_token: "В ссылке нет кода. Откройте ссылку из письма целиком.",
    verify_new_link: "Получить новую ссылку",

    reset_title: "Сброс пароля",
    reset_request_lead:
        "Укажите адрес своей учётной записи, и мы пришлём ссылку для выбора нового пароля.",
    reset_request_submit: "Отправить ссылку",
    reset_request_done:
        "Если учётная запись с этим адресом существует, ссылка для сброса уже в пути.",
    reset_new_lead: "Придумайте новый пароль. Все остальные сеансы будут завершены.",
    reset_submit: "Сохранить новый пароль",
    reset_done: "Пароль изменён. Войдите с новым паролем.",
    reset_bad_token:
        "Ссылка для сброса недействительна, уже использована или устарела. Запросите новую ниже.",

    profile_title: "Ваш профиль",
    profile_account: "Учётная запись",
    profile_role: "Роль",
    role_name: |role| match role {
        "user" => "Пользователь".to_owned(),
        "manager" => "Менеджер".to_owned(),
        "content_manager" => "Контент-менеджер".to_owned(),
        "admin" => "Администратор".to_owned(),
        other => other.to_owned(),
    },
    profile_member_since: "Зарегистрирован",
    profile_name_section: "Имя",
    profile_password_section: "Пароль",
    profile_change_password: "Сменить пароль",
    profile_password_changed: "Пароль изменён.",

    recipients_title: "Получатели",
    recipients_new: "Новый получатель",
    recipients_import: "Импорт CSV",
    recipients_export: "Экспорт CSV",
    recipients_exporting: "Готовим файл…",
    recipients_search: "Поиск по адресу или имени",
    recipients_empty: "Получателей пока нет. Добавьте получателя или импортируйте файл CSV.",
    recipients_no_match: "Никто не найден.",
    recipient_new_title: "Новый получатель",
    recipient_edit_title: "Изменить получателя",
    field_comment: "Комментарий",
    col_email: "Адрес",
    col_name: "Имя",
    col_comment: "Комментарий",
    col_status: "Статус",
    subscribed: "Подписан",
    unsubscribed: "Отписался",

    import_title: "Импорт получателей",
    import_lead: "Файл CSV, в первой строке которого названы столбцы: email, full_name, comment \
                  (обязателен только email). Получатель, который уже есть в списке (тот же \
                  адрес), обновляется.",
    import_file: "Файл CSV",
    import_paste: "…или вставьте текст CSV",
    import_submit: "Импортировать",
    import_busy: "Импорт…",
    import_nothing: "Сначала выберите файл или вставьте текст CSV.",
    import_done: "Импорт завершён",
    import_created: "Добавлено",
    import_updated: "Обновлено",
    import_skipped: "Без изменений",
    import_errors: |n| {
        format!(
            "{n} {} не {}",
            plural_ru(n, "строка", "строки", "строк"),
            plural_ru(n, "импортирована", "импортированы", "импортировано")
        )
    },
    import_all_ok: "Все строки импортированы.",
    col_line: "Строка",
    col_problem: "Ошибка",
    col_value: "Значение",
    col_first_line: "Тот же адрес, что в строке",
    import_duplicates: |n| {
        format!(
            "{n} {} адрес из строк выше",
            plural_ru(n, "строка повторяет", "строки повторяют", "строк повторяют")
        )
    },
    import_duplicates_lead: "Импортируется только первая строка с каждым адресом; эти повторы пропущены.",
    import_view_recipients: "Перейти к получателям",

    messages_title: "Сообщения",
    messages_new: "Новое сообщение",
    messages_empty: "Сообщений пока нет. Напишите первое.",
    message_new_title: "Новое сообщение",
    message_edit_title: "Изменить сообщение",
    col_subject: "Тема",
    col_updated: "Изменено",
    field_subject: "Тема",
    field_body: "Текст",
    field_html: "HTML-версия",
    field_html_on: "Добавить HTML-версию",
    field_html_hint:
        "Необязательно. Почтовые программы, которые показывают HTML, покажут её вместо текста.",
    placeholders_hint: "{{ full_name }} и {{ email }} заменяются именем и адресом каждого получателя; \
                        {{ full_name | default(\"клиент\") }} подставит запасное слово, если имя пустое.",
    preview_title: "Предпросмотр",
    preview_for: "Для получателя",
    preview_sample: "Пример получателя",
    preview_sample_name: "Анна Петрова",
    preview_text: "Текст",
    preview_html: "HTML",
    no_subject: "(без темы)",

    mailings_title: "Рассылки",
    mailings_new: "Новая рассылка",
    mailings_empty: "Рассылок пока нет. Создайте рассылку, чтобы отправить сообщение получателям.",
    mailings_no_match: "Нет рассылок, подходящих под фильтры.",
    filter_status: "Статус",
    filter_enabled: "Отправка",
    filter_any: "Все",
    status_created: "Создана",
    status_running: "Идёт",
    status_finished: "Завершена",
    enabled: "Включена",
    disabled: "Отключена",
    col_message: "Сообщение",
    col_recipients: "Получатели",
    col_schedule: "Повтор",
    col_next_run: "Следующий запуск",
    col_last_run: "Последний запуск",
    once: "Один раз",
    daily: "Ежедневно",
    weekly: "Еженедельно",
    monthly: "Ежемесячно",
    all_recipients: "все",
    message_missing: "(сообщение не найдено)",

    mailing_new_title: "Новая рассылка",
    mailing_edit_title: "Изменить рассылку",
    field_message: "Сообщение",
    choose_message: "Выберите сообщение…",
    no_messages_yet: "У вас ещё нет сообщений.",
    write_message_first: "Сначала напишите сообщение",
    field_recipients: "Получатели",
    recipients_all_option: "Все мои получатели, включая добавленных позже",
    recipients_chosen_option: "Выбранные получатели",
    selected_count: |n| format!("Выбрано: {n}"),
    select_page: "Выбрать страницу",
    clear_selection: "Снять выбор",
    select_all_matching: |n| format!("Выбрать всех найденных ({n})"),
    loading_current: |done, total| format!("Загружаем текущих получателей: {done} из {total}…"),
    no_recipients_yet: "У вас ещё нет получателей.",
    add_recipients_first: "Сначала добавьте получателей",
    field_start: "Начало",
    field_start_hint: "Если начало сейчас или в прошлом, отправка начнётся сразу.",
    field_end: "Окончание",
    field_end_hint: "Необязательно: после этого времени ничего не отправляется.",
    time_zone_note: |tz| format!("Время указано в вашем часовом поясе: {tz}."),
    field_periodicity: "Повтор",
    err_choose_message: "Выберите сообщение.",
    err_choose_recipients: "Выберите хотя бы одного получателя.",
    err_date: "Укажите дату и время.",
    err_end_before_start: "Окончание должно быть позже начала.",

    send_now: "Отправить сейчас",
    send_test: "Тестовое письмо себе",
    retry_failed: "Повторить неудачные",
    disable: "Отключить",
    enable: "Включить",
    working: "Выполняется…",
    run_started: "Отправка началась.",
    test_sent: "Тестовое письмо отправлено на ваш собственный адрес.",
    mailing_disabled_note: "Рассылка отключена: ничего не отправляется, пока её снова не включат.",
    unknown_placeholder: |name, suggestion| match suggestion {
        Some(s) => format!("Неизвестная подстановка {name} — может быть, {s}? Она будет отправлена пустой."),
        None => format!(
            "Неизвестная подстановка {name}: она будет отправлена пустой. Известные: full_name, email, attributes.…"
        ),
    },
    role_confirm: |email, role| format!("Назначить {email} роль «{role}»?"),
    register_taken_help: "С этим адресом уже есть учётная запись. Это ваша?",
    field_mailing_name: "Название",
    field_mailing_name_hint: "Только для вас, например «Весенняя распродажа, VIP»: получатели его не видят.",
    err_mailing_name: "Дайте рассылке название.",
    send_confirm: |n| {
        format!(
            "Отправить {n} {} сейчас?",
            plural_ru(n, "получателю", "получателям", "получателям")
        )
    },
    send_yes: "Да, отправить",
    retry_confirm: "Отправить снова тем, кому последняя доставка временно не удалась?",
    retry_confirm_all: "Отправить снова всем, кому последняя доставка не удалась, включая отклонённые адреса?",
    retry_include_permanent: "включая постоянные ошибки (адреса, отклонённые сервером)",
    retry_yes: "Да, повторить",
    save_and_send: "Сохранить и отправить сейчас",
    disabled_by_owner: |at| format!("Отключена владельцем {at}."),
    disabled_by_manager: |at| format!("Отключена менеджером {at}."),
    disabled_since: |at| format!("Отключена с {at}."),
    disabled_reason: "Причина:",
    disable_title: "Отключить эту рассылку?",
    disable_reason_label: "Причина",
    disable_reason_hint: "Её увидит владелец (и получит письмом, если рассылку отключил менеджер).",
    no_run_while_disabled: "Нет, пока отключена",
    read_only_note:
        "Эта рассылка принадлежит другому пользователю: её можно смотреть, но не менять.",
    fact_next_run: "Следующий запуск",
    fact_start: "Начало",
    fact_end: "Окончание",
    fact_created: "Создана",
    none_scheduled: "не запланирован",
    no_end: "без окончания",
    progress: |done, total| format!("Обработано {done} из {total}"),
    progress_title: "Идёт отправка",
    runs_title: "Запуски",
    runs_empty: "Запусков пока не было.",
    col_trigger: "Кто запустил",
    col_started: "Начало",
    col_finished: "Конец",
    col_sent: "Отправлено",
    col_failed: "Ошибок",
    col_pending: "В очереди",
    trigger_schedule: "Расписание",
    trigger_manual: "Вручную",
    trigger_retry: "Повтор",
    trigger_cli: "Командная строка",
    in_progress: "идёт",
    attempts_title: "Журнал доставки",
    attempts_empty: "Попыток доставки здесь пока нет.",
    attempt_success: "Доставлено",
    attempt_failure: "Ошибка",
    col_time: "Время",
    col_reply: "Ответ сервера",
    recipients_of_mailing: "Получатели рассылки",

    stats_title: "Статистика",
    stats_scope: "Чьи показатели",
    stats_scope_own: "Мои рассылки",
    stats_scope_all: "Все пользователи",
    stats_figures: "Показатели",
    stat_mailings_total: "Рассылок",
    stat_mailings_active: "Активных",
    stat_mailings_finished: "Завершённых",
    stat_unique_recipients: "Охвачено адресатов",
    stat_attempts_success: "Успешных попыток",
    stat_attempts_failure: "Неудачных попыток",
    stat_messages_delivered: "Доставлено писем",
    stats_chart_title: "Доставки по дням",
    stats_period: "Период",
    stats_days: |n| format!("{n} {}", plural_ru(n, "последний день", "последних дня", "последних дней")),
    stats_chart_summary: |days, ok, failed| format!("График за {days} дн.: доставлено {ok}, ошибок {failed}."),
    stats_chart_empty: "За этот период попыток доставки не было.",
    stats_as_table: "Показать таблицей",
    col_day: "День",
    stats_live_title: "Идёт отправка",
    stats_no_runs: "Сейчас ничего не отправляется.",

    blog_title: "Блог",
    blog_lead: "Новости и советы от команды Herald.",
    blog_empty: "Записей пока нет. Загляните позже.",
    blog_read_more: "Читать",
    views: |n| format!("{n} {}", plural_ru(n, "просмотр", "просмотра", "просмотров")),
    post_draft: "Черновик",
    post_published: "Опубликована",

    posts_title: "Записи блога",
    posts_new: "Новая запись",
    posts_empty: "Записей пока нет. Напишите первую.",
    col_title: "Заголовок",
    col_published: "Опубликована",
    col_views: "Просмотры",
    publish: "Опубликовать",
    unpublish: "Снять с публикации",
    post_new_title: "Новая запись",
    post_edit_title: "Правка записи",
    field_title: "Заголовок",
    field_post_body: "Текст (Markdown)",
    field_post_body_hint: "**жирный**, _курсив_, [ссылка](https://…), списки, # заголовки. HTML показывается как текст.",
    field_image: "Иллюстрация",
    image_hint: "PNG, JPEG, WebP или GIF, не больше 5 МБ.",
    image_upload: "Загрузить",
    image_uploading: "Загрузка…",
    image_uploaded: "Иллюстрация сохранена.",
    image_choose: "Сначала выберите файл.",
    image_save_first: "Сначала сохраните запись, потом добавьте иллюстрацию.",
    post_view: "Открыть в блоге",
    post_status: "Публикация",
    post_draft_note: "Черновик: его видят только авторы.",

    users_title: "Пользователи",
    users_search: "Поиск по адресу или имени",
    users_empty: "Нет подходящих пользователей.",
    filter_accounts: "Учётные записи",
    user_active: "Активна",
    user_blocked: "Заблокирована",
    user_unverified: "Адрес не подтверждён",
    user_you: "вы",
    scope_label: "Показать",
    scope_mine: "Мои",
    scope_all: "Всех пользователей",
    recipient_read_only_note: "Этот получатель принадлежит другому пользователю: его можно смотреть, но не менять.",
    message_read_only_note: "Это сообщение принадлежит другому пользователю: его можно смотреть, но не менять.",
    col_role: "Роль",
    col_joined: "С нами с",
    block: "Заблокировать",
    unblock: "Разблокировать",
    block_confirm: |email| format!("Заблокировать {email}? Сеанс завершится сразу."),
    unblock_confirm: |email| format!("Разблокировать {email}?"),
    confirm_yes: "Да",
    confirm_no: "Нет",
    role_for: |email| format!("Роль: {email}"),
    role_changed: |email| format!("Роль {email} изменена."),

    roles_title: "Роли",
    roles_new: "Новая роль",
    roles_empty: "Ролей нет.",
    role_new_title: "Новая роль",
    role_edit_title: |name| format!("Роль {name}"),
    field_role_name: "Название",
    role_name_hint: "Строчная латинская буква, затем от 1 до 39 строчных букв, цифр или _.",
    field_permissions: "Права",
    role_builtin: "Встроенная",
    role_builtin_note: "Встроенные роли нельзя менять и удалять.",
    role_create: "Создать роль",
    role_created: "Роль создана.",
    role_saved: "Роль сохранена.",
    col_permissions: "Права",
    col_users: "Пользователи",
    no_permissions: "нет",

    col_owner: "Владелец",

    not_found_title: "Страница не найдена",
    not_found_text: "По этому адресу ничего нет.",
    back_home: "На главную",

    // --- issue 14, webapp-rest ----------------------------------------------------------
    invite_open: "Пригласить пользователя",
    invite_title: "Приглашение пользователя",
    invite_lead: "Пользователь получит письмо со ссылкой, чтобы задать пароль; ссылка одноразовая.",
    invite_submit: "Отправить приглашение",
    invite_sent: |email| format!("Приглашение отправлено на {email}."),
    accept_title: "Добро пожаловать в Herald",
    accept_lead: "Вас пригласили. Задайте пароль, чтобы завершить настройку учётной записи.",
    accept_submit: "Задать пароль",
    accept_done: "Пароль задан. Теперь войдите с ним.",
    accept_bad_token: "Ссылка-приглашение неизвестна, уже использована или устарела. Попросите пригласившего прислать новую.",
    stats_scope_user: "Показатели пользователя",
    stat_recipients_delivered: "Получили письмо",
    stat_recipients_failed: "Не получили письмо",
    stat_delivery_rate: "Доля доставленных",
    col_created: "Создано",
    saved_message: "Сообщение сохранено.",
    saved_mailing: "Рассылка сохранена.",
    saved_recipient: "Получатель сохранён.",
    flash_dismiss: "Закрыть",
    code_email_taken: "Этот адрес уже зарегистрирован.",
    code_invalid_credentials: "Неверный адрес или пароль.",
    code_email_not_verified: "Адрес электронной почты ещё не подтверждён.",
    code_account_blocked: "Учётная запись заблокирована.",
    code_invalid_token: "Ссылка неизвестна, уже использована или устарела.",
    code_weak_password: "Пароль слишком легко угадать.",
    code_unknown_placeholder: "В сообщении есть подстановка, которую нечем заполнить.",
    code_message_in_use: "Сообщение нельзя удалить: его используют рассылки ниже. Сначала удалите или измените их.",
    code_recipient_exists: "Получатель с этим адресом уже есть в вашем списке.",
    code_unsupported_image: "Этот файл не подходит. Выберите изображение PNG, JPEG, WebP или GIF.",
    code_image_too_large: "Изображение слишком большое: не больше 5 МБ.",
    code_mailing_disabled: "Рассылка отключена: сначала включите её.",
    code_mailing_finished: "Рассылка завершена.",
    code_owner_blocked: "Владелец рассылки заблокирован: ничего не отправляется, пока его не разблокируют.",
    code_nothing_to_retry: "Нет получателей с неудачной последней доставкой: повторять нечего.",
    code_no_temporary_failures: "Нет получателей с временной ошибкой последней доставки. Постоянные ошибки повторяются, только если отмечено «включая постоянные ошибки».",
    code_template_invalid: "Сообщение содержит ошибку шаблона. Откройте его и исправьте.",
    code_own_account: "Со своей учётной записью так нельзя.",
    code_role_name_taken: "Роль с таким названием уже есть.",
    code_role_builtin: "Встроенные роли нельзя менять или удалять.",
    code_role_in_use: "Роль назначена пользователям: сначала переведите их на другую роль.",
    code_unknown_role: "Роли с таким названием нет.",
    delivery_text: super::delivery_log::ru,
    field_sentence: super::sentence,
};
