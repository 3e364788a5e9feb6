//! The fixed set of permissions. Roles (database rows) hold subsets of it; handlers
//! ask for a permission, never for a role name.

use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    ClientsViewAll,
    MessagesViewAll,
    MailingsViewAll,
    MailingsDisable,
    UsersView,
    UsersBlock,
    StatsViewAll,
    PostsWrite,
    PostsPublish,
    RolesManage,
}

impl Permission {
    pub const ALL: [Permission; 10] = [
        Permission::ClientsViewAll,
        Permission::MessagesViewAll,
        Permission::MailingsViewAll,
        Permission::MailingsDisable,
        Permission::UsersView,
        Permission::UsersBlock,
        Permission::StatsViewAll,
        Permission::PostsWrite,
        Permission::PostsPublish,
        Permission::RolesManage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ClientsViewAll => "clients.view_all",
            Permission::MessagesViewAll => "messages.view_all",
            Permission::MailingsViewAll => "mailings.view_all",
            Permission::MailingsDisable => "mailings.disable",
            Permission::UsersView => "users.view",
            Permission::UsersBlock => "users.block",
            Permission::StatsViewAll => "stats.view_all",
            Permission::PostsWrite => "posts.write",
            Permission::PostsPublish => "posts.publish",
            Permission::RolesManage => "roles.manage",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// The permissions of one role. Unknown names stored in the database (say, from a
/// newer version) are ignored rather than trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionSet(BTreeSet<Permission>);

impl PermissionSet {
    pub fn from_names<S: AsRef<str>>(names: &[S]) -> Self {
        PermissionSet(
            names
                .iter()
                .filter_map(|n| Permission::parse(n.as_ref()))
                .collect(),
        )
    }

    pub fn contains(&self, p: Permission) -> bool {
        self.0.contains(&p)
    }

    pub fn names(&self) -> Vec<String> {
        self.0.iter().map(|p| p.as_str().to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for p in Permission::ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(p));
        }
    }

    #[test]
    fn unknown_names_are_ignored() {
        let set = PermissionSet::from_names(&["users.view", "root.everything"]);
        assert!(set.contains(Permission::UsersView));
        assert_eq!(set.names(), vec!["users.view".to_string()]);
    }
}
