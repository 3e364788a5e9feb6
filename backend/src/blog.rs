//! Blog workflows that touch more than one row: images on disk, cache invalidation.
//!
//! Images are stored as `MEDIA_DIR/posts/<32 random hex digits>.<ext>`; the extension
//! comes from the sniffed content, never from the uploaded name, and the file server at
//! `/media/` derives the Content-Type from it. The previous image of a post is deleted
//! once the new one is recorded; a failed database update deletes the new file.

use std::path::{Path, PathBuf};

use rand::RngCore;
use uuid::Uuid;

use crate::{
    cache,
    db::{self, posts::Post},
    domain::images::{ImageKind, MAX_IMAGE_BYTES},
    error::ApiError,
    state::AppState,
};

/// Where post images live, relative to MEDIA_DIR (and under `/media/` in URLs).
pub const IMAGE_SUBDIR: &str = "posts";

fn random_name(kind: ImageKind) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}.{}", kind.extension())
}

/// The file of a stored relative path, refusing anything that is not one of ours.
fn media_file(media_dir: &Path, relative: &str) -> Option<PathBuf> {
    let (dir, name) = relative.split_once('/')?;
    let safe = dir == IMAGE_SUBDIR
        && !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && !name.starts_with('.');
    safe.then(|| media_dir.join(dir).join(name))
}

async fn remove_quietly(media_dir: &Path, relative: Option<String>) {
    if let Some(file) = relative.and_then(|r| media_file(media_dir, &r)) {
        if let Err(e) = tokio::fs::remove_file(&file).await {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(error = %e, file = %file.display(), "cannot delete an old image");
            }
        }
    }
}

/// Stores `data` as the image of post `id` after checking what it really is.
pub async fn set_image(state: &AppState, id: Uuid, data: Vec<u8>) -> Result<Post, ApiError> {
    if data.len() > MAX_IMAGE_BYTES {
        return Err(ApiError::PayloadTooLarge(format!(
            "images are limited to {MAX_IMAGE_BYTES} bytes"
        ))
        .with_code("image_too_large"));
    }
    let kind = ImageKind::sniff(&data).ok_or_else(|| {
        ApiError::UnsupportedMediaType(
            "the file is not an image Herald accepts: use a PNG, JPEG, WebP or GIF image".into(),
        )
        .with_code("unsupported_image")
    })?;
    let media_dir = state.settings.media_dir.clone();
    let dir = media_dir.join(IMAGE_SUBDIR);
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(ApiError::internal)?;
    let name = random_name(kind);
    let relative = format!("{IMAGE_SUBDIR}/{name}");
    tokio::fs::write(dir.join(&name), &data)
        .await
        .map_err(ApiError::internal)?;
    let path = relative.clone();
    let updated = db::run_blocking(&state.db, move |conn| {
        db::posts::set_image(conn, id, &path).map_err(ApiError::from)
    })
    .await;
    match updated {
        Ok((post, old)) => {
            remove_quietly(&media_dir, old).await;
            cache::invalidate_posts(state).await;
            Ok(post)
        }
        Err(e) => {
            remove_quietly(&media_dir, Some(relative)).await;
            Err(e)
        }
    }
}

/// Deletes a post and its image file.
pub async fn delete_post(state: &AppState, id: Uuid) -> Result<(), ApiError> {
    let image = db::run_blocking(&state.db, move |conn| {
        db::posts::delete(conn, id).map_err(ApiError::from)
    })
    .await?;
    remove_quietly(&state.settings.media_dir, image).await;
    cache::invalidate_posts(state).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_names_map_to_files() {
        let dir = Path::new("/m");
        assert_eq!(
            media_file(dir, "posts/ab12.png"),
            Some(PathBuf::from("/m/posts/ab12.png"))
        );
        for bad in [
            "../etc/passwd",
            "posts/../x",
            "posts/",
            "other/a.png",
            "posts/.hidden",
            "posts/a/b.png",
        ] {
            assert_eq!(media_file(dir, bad), None, "{bad}");
        }
    }

    #[test]
    fn stored_names_are_random_and_typed_by_content() {
        let a = random_name(ImageKind::Png);
        assert!(a.ends_with(".png") && a.len() == 36);
        assert_ne!(a, random_name(ImageKind::Png));
    }
}
