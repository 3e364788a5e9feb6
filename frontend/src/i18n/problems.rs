//! The reader's words for each problem the API names by its `code` (problem+json), in
//! one exhaustive match: a code the API adds shows the generic text of its status until
//! it is listed here, and a code listed here without a text is a compile error in every
//! language. Pages never compare English strings from the server.

use super::Texts;

/// Every `code` the SPA has words for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProblemCode {
    // Generic, by status.
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    ValidationFailed,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyRequests,
    Unavailable,
    Internal,
    // Accounts.
    EmailTaken,
    InvalidCredentials,
    InvalidRefreshToken,
    EmailNotVerified,
    AccountBlocked,
    InvalidToken,
    WeakPassword,
    // Content.
    UnknownPlaceholder,
    MessageInUse,
    RecipientExists,
    UnsupportedImage,
    ImageTooLarge,
    // Mailings.
    MailingDisabled,
    MailingFinished,
    OwnerBlocked,
    NothingToRetry,
    NoTemporaryFailures,
    TemplateInvalid,
    // Administration.
    OwnAccount,
    RoleNameTaken,
    RoleBuiltin,
    RoleInUse,
    UnknownRole,
}

impl ProblemCode {
    /// `None` for a code the SPA does not know (yet): its status decides the words.
    pub fn parse(code: &str) -> Option<ProblemCode> {
        use ProblemCode::*;
        Some(match code {
            "bad_request" => BadRequest,
            "unauthorized" => Unauthorized,
            "forbidden" => Forbidden,
            "not_found" => NotFound,
            "conflict" => Conflict,
            "validation_failed" => ValidationFailed,
            "payload_too_large" => PayloadTooLarge,
            "unsupported_media_type" => UnsupportedMediaType,
            "too_many_requests" => TooManyRequests,
            "unavailable" => Unavailable,
            "internal" => Internal,
            "email_taken" => EmailTaken,
            "invalid_credentials" => InvalidCredentials,
            "invalid_refresh_token" => InvalidRefreshToken,
            "email_not_verified" => EmailNotVerified,
            "account_blocked" => AccountBlocked,
            "invalid_token" => InvalidToken,
            "weak_password" => WeakPassword,
            "unknown_placeholder" => UnknownPlaceholder,
            "message_in_use" => MessageInUse,
            "recipient_exists" => RecipientExists,
            "unsupported_image" => UnsupportedImage,
            "image_too_large" => ImageTooLarge,
            "mailing_disabled" => MailingDisabled,
            "mailing_finished" => MailingFinished,
            "owner_blocked" => OwnerBlocked,
            "nothing_to_retry" => NothingToRetry,
            "no_temporary_failures" => NoTemporaryFailures,
            "template_invalid" => TemplateInvalid,
            "own_account" => OwnAccount,
            "role_name_taken" => RoleNameTaken,
            "role_builtin" => RoleBuiltin,
            "role_in_use" => RoleInUse,
            "unknown_role" => UnknownRole,
            _ => return None,
        })
    }

    /// Whether the code only repeats its status: the server's `detail` then says more,
    /// and is shown after the generic text.
    pub fn is_generic(self) -> bool {
        use ProblemCode::*;
        matches!(
            self,
            BadRequest
                | Unauthorized
                | Forbidden
                | NotFound
                | Conflict
                | ValidationFailed
                | PayloadTooLarge
                | UnsupportedMediaType
                | TooManyRequests
                | Unavailable
                | Internal
        )
    }

    /// The sentence for the reader.
    pub fn text(self, t: &Texts) -> &'static str {
        use ProblemCode::*;
        match self {
            BadRequest => t.err_bad_request,
            Unauthorized => t.err_unauthorized,
            Forbidden => t.err_forbidden,
            NotFound => t.err_not_found,
            Conflict => t.err_conflict,
            ValidationFailed => t.err_validation,
            PayloadTooLarge => t.err_too_large,
            UnsupportedMediaType => t.err_bad_request,
            TooManyRequests => t.err_rate_limited,
            Unavailable | Internal => t.err_server,
            EmailTaken => t.code_email_taken,
            InvalidCredentials => t.code_invalid_credentials,
            InvalidRefreshToken => t.err_unauthorized,
            EmailNotVerified => t.code_email_not_verified,
            AccountBlocked => t.code_account_blocked,
            InvalidToken => t.code_invalid_token,
            WeakPassword => t.code_weak_password,
            UnknownPlaceholder => t.code_unknown_placeholder,
            MessageInUse => t.code_message_in_use,
            RecipientExists => t.code_recipient_exists,
            UnsupportedImage => t.code_unsupported_image,
            ImageTooLarge => t.code_image_too_large,
            MailingDisabled => t.code_mailing_disabled,
            MailingFinished => t.code_mailing_finished,
            OwnerBlocked => t.code_owner_blocked,
            NothingToRetry => t.code_nothing_to_retry,
            NoTemporaryFailures => t.code_no_temporary_failures,
            TemplateInvalid => t.code_template_invalid,
            OwnAccount => t.code_own_account,
            RoleNameTaken => t.code_role_name_taken,
            RoleBuiltin => t.code_role_builtin,
            RoleInUse => t.code_role_in_use,
            UnknownRole => t.code_unknown_role,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_known_code_has_words_in_every_language_and_unknown_ones_have_none() {
        for code in [
            "email_taken",
            "no_temporary_failures",
            "message_in_use",
            "unsupported_image",
            "role_in_use",
        ] {
            let parsed = ProblemCode::parse(code).expect(code);
            assert!(!parsed.is_generic());
            for lang in Lang::ALL {
                assert!(!parsed.text(lang.texts()).is_empty(), "{code}");
            }
        }
        assert_ne!(
            ProblemCode::NoTemporaryFailures.text(Lang::En.texts()),
            ProblemCode::NoTemporaryFailures.text(Lang::Ru.texts())
        );
        assert_eq!(ProblemCode::parse("something_new"), None);
        assert!(ProblemCode::parse("conflict").unwrap().is_generic());
    }
}
