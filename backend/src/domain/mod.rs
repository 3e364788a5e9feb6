//! Rules and validated types, with no HTTP and no SQL.

pub mod bounce;
pub mod email;
pub mod images;
pub mod imports;
pub mod password;
pub mod periodicity;
pub mod permissions;
pub mod roles;
pub mod schedule;
pub mod sorting;
pub mod suppression_csv;
pub mod template;
pub mod verp;
pub mod window;
pub mod zone;

pub use email::EmailAddress;
pub use password::Password;
pub use periodicity::{MailingStatus, Periodicity};
pub use permissions::{Permission, PermissionSet};
pub use window::{SendWindow, WindowState};
pub use zone::Zone;
