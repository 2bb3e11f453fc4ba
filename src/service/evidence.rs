//! Evidence files: checked by their content, images decoded and encoded
//! afresh (so EXIF, the GPS location included, does not survive; the
//! photo's orientation is applied first), a thumbnail made, and each kept
//! on disk under its SHA-256, written and synced before the complaint that
//! refers to it is committed.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

pub use crate::domain::evidence::Stored;
use crate::domain::evidence::{Kind, base_name, safe_name};

/// A file as it was sent.
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A file ready to keep: its kind, a safe name, the bytes to store, and a
/// thumbnail for images.
pub struct Prepared {
    pub kind: Kind,
    pub name: String,
    pub bytes: Vec<u8>,
    pub thumb: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    /// Not a JPEG, PNG, WebP or PDF, whatever its name says.
    #[error("{0}: not a JPEG, PNG or WebP image, nor a PDF")]
    Kind(String),
    /// It starts like an image but cannot be read as one.
    #[error("{0}: the image cannot be read")]
    Broken(String),
}

/// Thumbnails fit in this square.
const THUMB: u32 = 320;

/// Checks one upload and makes it ready to keep.
pub fn prepare(upload: &Upload) -> Result<Prepared, EvidenceError> {
    let kind = Kind::sniff(&upload.bytes).ok_or_else(|| EvidenceError::Kind(shown(&upload.name)))?;
    let name = safe_name(&upload.name, kind);
    if !kind.is_image() {
        return Ok(Prepared { kind, name, bytes: upload.bytes.clone(), thumb: None });
    }
    let broken = || EvidenceError::Broken(shown(&upload.name));
    let image = decode(&upload.bytes, kind).ok_or_else(broken)?;
    let bytes = encode(&image, kind).ok_or_else(broken)?;
    let thumb = encode(&image.thumbnail(THUMB, THUMB), Kind::Jpeg).ok_or_else(broken)?;
    Ok(Prepared { kind, name, bytes, thumb: Some(thumb) })
}

fn format(kind: Kind) -> ImageFormat {
    match kind {
        Kind::Png => ImageFormat::Png,
        Kind::Webp => ImageFormat::WebP,
        _ => ImageFormat::Jpeg,
    }
}

/// Decodes within limits (a small file may claim a vast picture), and
/// turns it the way the camera's orientation tag says.
fn decode(bytes: &[u8], kind: Kind) -> Option<DynamicImage> {
    let mut limits = Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format(kind));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok()?;
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    image.apply_orientation(orientation);
    Some(image)
}

/// Encodes afresh: only the pixels are carried over.
fn encode(image: &DynamicImage, kind: Kind) -> Option<Vec<u8>> {
    let mut out = Cursor::new(Vec::new());
    match kind {
        Kind::Jpeg => {
            let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 88);
            rgb.write_with_encoder(encoder).ok()?;
        }
        Kind::Png => image.write_to(&mut out, ImageFormat::Png).ok()?,
        Kind::Webp => DynamicImage::ImageRgba8(image.to_rgba8()).write_to(&mut out, ImageFormat::WebP).ok()?,
        Kind::Pdf => return None,
    }
    Some(out.into_inner())
}

impl EvidenceError {
    /// The file's name, as its message shows it.
    pub fn name(&self) -> &str {
        match self {
            EvidenceError::Kind(n) | EvidenceError::Broken(n) => n,
        }
    }
}

/// A name for messages: the last part of what was sent, shortened.
pub fn shown(name: &str) -> String {
    let base: String = base_name(name).chars().filter(|c| !c.is_control()).take(60).collect();
    if base.is_empty() { "?".into() } else { base }
}

/// Writes `prepared` (and its thumbnail) under `dir`; returns where.
pub fn save(dir: &Path, prepared: &Prepared) -> std::io::Result<Stored> {
    let sha256 = keep(dir, &prepared.bytes)?;
    let thumb_sha256 = prepared.thumb.as_deref().map(|t| keep(dir, t)).transpose()?;
    Ok(Stored {
        kind: prepared.kind,
        name: prepared.name.clone(),
        sha256,
        thumb_sha256,
        bytes: prepared.bytes.len() as i64,
    })
}

/// Keeps `bytes` as `dir/ab/abcdef…` (its SHA-256), once: written to a
/// temporary file, synced, then renamed into place and the folder synced.
fn keep(dir: &Path, bytes: &[u8]) -> std::io::Result<String> {
    let sha = hex(&Sha256::digest(bytes));
    let path = path(dir, &sha).expect("a SHA-256 is a path");
    if path.exists() {
        return Ok(sha);
    }
    let folder = path.parent().expect("a folder");
    std::fs::create_dir_all(folder)?;
    let mut temp = tempfile_in(folder)?;
    temp.1.write_all(bytes)?;
    temp.1.sync_all()?;
    std::fs::rename(&temp.0, &path)?;
    std::fs::File::open(folder)?.sync_all()?;
    Ok(sha)
}

fn tempfile_in(folder: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let name = format!(".upload-{}", crate::service::complaints::new_token());
    let path = folder.join(name);
    let file = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
    Ok((path, file))
}

/// Where the file with this SHA-256 lives; `None` for anything that is
/// not one (so no request can name another path).
pub fn path(dir: &Path, sha256: &str) -> Option<PathBuf> {
    let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    valid.then(|| dir.join(&sha256[..2]).join(sha256))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30])));
        encode(&image, Kind::Jpeg).unwrap()
    }

    #[test]
    fn a_script_named_like_a_picture_is_refused_and_images_come_out_new() {
        let php = Upload { name: "shell.png".into(), bytes: b"<?php system($_GET['c']); ?>".to_vec() };
        assert!(matches!(prepare(&php), Err(EvidenceError::Kind(n)) if n == "shell.png"));
        let fake = Upload { name: "x.jpg".into(), bytes: b"\xFF\xD8\xFFnot really".to_vec() };
        assert!(matches!(prepare(&fake), Err(EvidenceError::Broken(_))));

        let photo = Upload { name: "IMG_0001.JPG".into(), bytes: jpeg(800, 600) };
        let ready = prepare(&photo).unwrap();
        assert_eq!((ready.kind, ready.name.as_str()), (Kind::Jpeg, "IMG_0001.jpg"));
        let thumb = image::load_from_memory(ready.thumb.as_deref().unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
    }

    #[test]
    fn files_are_kept_once_under_their_sha256() {
        let dir = tempfile::tempdir().unwrap();
        let ready = Prepared { kind: Kind::Pdf, name: "a.pdf".into(), bytes: b"%PDF-1.4 x".to_vec(), thumb: None };
        let one = save(dir.path(), &ready).unwrap();
        let two = save(dir.path(), &ready).unwrap();
        assert_eq!(one.sha256, two.sha256);
        assert_eq!(std::fs::read(path(dir.path(), &one.sha256).unwrap()).unwrap(), b"%PDF-1.4 x");
        assert_eq!(path(dir.path(), "../../etc/passwd"), None);
        assert_eq!(path(dir.path(), &"A".repeat(64)), None);
    }
}
