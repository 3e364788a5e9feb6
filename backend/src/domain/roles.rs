//! Role rules: valid names, permission lists checked against [`Permission`].

use super::Permission;

/// A role name: a lowercase ASCII letter, then 1 to 39 lowercase letters, digits or `_`
/// (the same rule as the `roles.name` CHECK constraint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a lowercase letter followed by 1 to 39 lowercase letters, digits or underscores")]
pub struct InvalidRoleName;

impl RoleName {
    pub fn parse(raw: &str) -> Result<Self, InvalidRoleName> {
        let s = raw.trim();
        let mut chars = s.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if first_ok && rest_ok && (2..=40).contains(&s.len()) {
            Ok(RoleName(s.to_owned()))
        } else {
            Err(InvalidRoleName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown permissions: {}", .0.join(", "))]
pub struct UnknownPermissions(pub Vec<String>);

/// Checks every name against the fixed set and returns them canonical: sorted in the
/// enum's order, without duplicates.
pub fn parse_permissions<S: AsRef<str>>(names: &[S]) -> Result<Vec<String>, UnknownPermissions> {
    let mut unknown = Vec::new();
    let mut set = std::collections::BTreeSet::new();
    for n in names {
        match Permission::parse(n.as_ref().trim()) {
            Some(p) => {
                set.insert(p);
            }
            None => unknown.push(n.as_ref().to_owned()),
        }
    }
    if unknown.is_empty() {
        Ok(set.into_iter().map(|p| p.as_str().to_owned()).collect())
    } else {
        Err(UnknownPermissions(unknown))
    }
}

/// What a permission allows, for the role editor.
pub fn describe(p: Permission) -> &'static str {
    match p {
        Permission::ClientsViewAll => "Read every user's recipients",
        Permission::MessagesViewAll => "Read every user's messages",
        Permission::MailingsViewAll => "Read every user's mailings, runs and attempts",
        Permission::MailingsDisable => "Disable and re-enable any user's mailing",
        Permission::UsersView => "List user accounts",
        Permission::UsersBlock => "Block and unblock user accounts",
        Permission::StatsViewAll => "Read every user's statistics and everyone's totals",
        Permission::PostsWrite => "Write, edit and delete blog posts, and see drafts",
        Permission::PostsPublish => "Publish and unpublish blog posts",
        Permission::RolesManage => "Manage roles, assign them to users, read the audit log",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn role_names_follow_the_database_rule() {
        for ok in ["ab", "editor", "support_2", "a_________"] {
            assert!(RoleName::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "a",
            "Editor",
            "2nd",
            "_x",
            "has space",
            "émile",
            &"a".repeat(41),
        ] {
            assert!(RoleName::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn permissions_are_checked_and_made_canonical() {
        assert_eq!(
            parse_permissions(&["users.view", "clients.view_all", "users.view"]).unwrap(),
            vec!["clients.view_all".to_string(), "users.view".to_string()]
        );
        assert_eq!(
            parse_permissions(&["users.view", "root"]).unwrap_err(),
            UnknownPermissions(vec!["root".into()])
        );
        assert!(parse_permissions::<&str>(&[]).unwrap().is_empty());
    }

    proptest! {
        #[test]
        fn accepted_names_are_what_the_database_accepts(s in "\\PC{0,45}") {
            if let Ok(n) = RoleName::parse(&s) {
                let n = n.as_str();
                prop_assert!((2..=40).contains(&n.len()));
                prop_assert!(n.chars().next().unwrap().is_ascii_lowercase());
            }
        }
    }
}
