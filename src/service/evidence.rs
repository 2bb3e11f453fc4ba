//! Evidence files: checked by their content, images decoded and encoded
//! afresh (so EXIF, the GPS location included, does not survive; the
//! photo's orientation is applied first), a thumbnail made, and each kept
//! on disk under its SHA-256, written and synced before the complaint that
//! refers to it is committed.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use crate::domain::text::is_bidi_control;

pub use crate::domain::evidence::Stored;
use crate::domain::evidence::{Declared, Kind, MAX_DECODED, Oversize, base_name, frames, largest_bitstream, safe_name};

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

#[derive(Debug, Clone, thiserror::Error)]
pub enum EvidenceError {
    /// Not a JPEG, PNG, WebP or PDF, whatever its name says.
    #[error("{0}: not a JPEG, PNG or WebP image, nor a PDF")]
    Kind(String),
    /// It starts like an image but cannot be read as one.
    #[error("{0}: the image cannot be read")]
    Broken(String),
    /// Its header declares more pixels (or decoded bytes) than allowed.
    #[error("{name}: {width}×{height} pixels is too large")]
    Pixels { name: String, width: u32, height: u32 },
    /// Its name holds characters that turn the text's direction (so that
    /// "gpj.exe" may show as "exe.jpg"): refused, not silently cleaned.
    #[error("{0}: the file name holds bidi controls")]
    Name(String),
    /// An animation declaring more frames than allowed.
    #[error("{name}: {frames} frames is too many")]
    Frames { name: String, frames: u32 },
}

/// Thumbnails fit in this square.
const THUMB: u32 = 320;

/// What an upload is, read from its header only (nothing decoded): its
/// kind and, for an image, what decoding it will cost in memory.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub kind: Kind,
    /// Bytes at the peak of making it anew; 0 for a PDF.
    pub cost: u64,
}

/// Reads an upload's header and refuses it there if decoding it would
/// take too much: its declared width × height, the bytes the decoder says
/// it needs (`total_bytes`, which `DynamicImage::from_decoder` does not
/// check against any limit), its frames.
pub fn inspect(upload: &Upload) -> Result<Plan, EvidenceError> {
    if upload.name.chars().any(is_bidi_control) {
        return Err(EvidenceError::Name(shown(&upload.name)));
    }
    let kind = Kind::sniff(&upload.bytes).ok_or_else(|| EvidenceError::Kind(shown(&upload.name)))?;
    if !kind.is_image() {
        return Ok(Plan { kind, cost: 0 });
    }
    let decoder = open(&upload.bytes, kind).ok_or_else(|| EvidenceError::Broken(shown(&upload.name)))?;
    let (mut width, mut height) = decoder.dimensions();
    if let Some((w, h)) = largest_bitstream(&upload.bytes, kind)
        && u64::from(w) * u64::from(h) > u64::from(width) * u64::from(height)
    {
        (width, height) = (w, h);
    }
    let declared = Declared { width, height, decoded: decoder.total_bytes(), frames: frames(&upload.bytes, kind) };
    declared.check().map_err(|why| match why {
        Oversize::Pixels { width, height } => EvidenceError::Pixels { name: shown(&upload.name), width, height },
        Oversize::Frames(frames) => EvidenceError::Frames { name: shown(&upload.name), frames },
    })?;
    Ok(Plan { kind, cost: declared.cost(kind) })
}

/// Makes an inspected upload ready to keep.
pub fn prepare(upload: &Upload, plan: Plan) -> Result<Prepared, EvidenceError> {
    let kind = plan.kind;
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

/// The decoder, its header read. The sizes are checked by [`inspect`]
/// (so that it can say what they are); the limits here are a second line.
fn open(bytes: &[u8], kind: Kind) -> Option<Box<dyn ImageDecoder + '_>> {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED + 64 * 1024 * 1024);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format(kind));
    reader.limits(limits);
    reader.into_decoder().ok().map(|d| Box::new(d) as Box<dyn ImageDecoder>)
}

/// Decodes an image [`inspect`] let through, and turns it the way the
/// camera's orientation tag says.
fn decode(bytes: &[u8], kind: Kind) -> Option<DynamicImage> {
    let mut decoder = open(bytes, kind)?;
    let declared = Declared {
        width: decoder.dimensions().0,
        height: decoder.dimensions().1,
        decoded: decoder.total_bytes(),
        frames: 1,
    };
    declared.check().ok()?;
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
            EvidenceError::Kind(n) | EvidenceError::Broken(n) | EvidenceError::Name(n) => n,
            EvidenceError::Pixels { name, .. } | EvidenceError::Frames { name, .. } => name,
        }
    }
}

/// A name for messages: the last part of what was sent, shortened, without
/// control or direction-turning characters (the message shows it as sent).
pub fn shown(name: &str) -> String {
    let base: String = base_name(name).chars().filter(|c| !c.is_control() && !is_bidi_control(*c)).take(60).collect();
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
#[path = "../../tests/bombs.rs"]
mod bombs;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence::MAX_FRAMES;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(width, height, image::Rgb([200, 30, 30])));
        encode(&image, Kind::Jpeg).unwrap()
    }

    #[test]
    fn a_script_named_like_a_picture_is_refused_and_images_come_out_new() {
        let php = Upload { name: "shell.png".into(), bytes: b"<?php system($_GET['c']); ?>".to_vec() };
        assert!(matches!(inspect(&php), Err(EvidenceError::Kind(n)) if n == "shell.png"));
        let fake = Upload { name: "x.jpg".into(), bytes: b"\xFF\xD8\xFFnot really".to_vec() };
        assert!(matches!(inspect(&fake), Err(EvidenceError::Broken(_))));

        let photo = Upload { name: "IMG_0001.JPG".into(), bytes: jpeg(800, 600) };
        let plan = inspect(&photo).unwrap();
        assert_eq!(plan.cost, 800 * 600 * (6 + 2 * 3 + 4));
        let ready = prepare(&photo, plan).unwrap();
        assert_eq!((ready.kind, ready.name.as_str()), (Kind::Jpeg, "IMG_0001.jpg"));
        let thumb = image::load_from_memory(ready.thumb.as_deref().unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 240));
    }

    fn pixels(name: &str, bytes: Vec<u8>) -> Result<Plan, EvidenceError> {
        inspect(&Upload { name: name.into(), bytes })
    }

    fn too_large(result: Result<Plan, EvidenceError>) -> (u32, u32) {
        match result {
            Err(EvidenceError::Pixels { width, height, .. }) => (width, height),
            other => panic!("not refused for its pixels: {other:?}"),
        }
    }

    #[test]
    fn a_png_bomb_is_refused_from_its_header() {
        let bomb = bombs::png(12_000, 12_000);
        assert!(bomb.len() < 1_200_000, "{}", bomb.len());
        assert_eq!(too_large(pixels("bomb.png", bomb)), (12_000, 12_000));
        // The same construction at a size allowed decodes: the bomb is a real PNG.
        let small = bombs::png(300, 200);
        let plan = pixels("ok.png", small.clone()).unwrap();
        let ready = prepare(&Upload { name: "ok.png".into(), bytes: small }, plan).unwrap();
        assert_eq!(image::load_from_memory(&ready.bytes).unwrap().width(), 300);
    }

    #[test]
    fn a_jpeg_bomb_is_refused_from_its_header() {
        assert_eq!(too_large(pixels("bomb.jpg", bombs::jpeg(65_000, 65_000))), (65_000, 65_000));
        // A 12 MP phone photo's header passes.
        assert!(pixels("photo.jpg", bombs::jpeg(4000, 3000)).is_ok());
    }

    #[test]
    fn a_webp_bomb_is_refused_from_its_header() {
        assert_eq!(too_large(pixels("bomb.webp", bombs::webp(16_383, 16_383))), (16_383, 16_383));
        assert!(pixels("ok.webp", bombs::webp(4000, 3000)).is_ok());
        // A small canvas with a vast lossy bitstream inside, at the top or
        // in an animation's frame: the bitstream's size counts.
        assert_eq!(too_large(pixels("inside.webp", bombs::webp_lossy_inside(100, 100, false))), (16_383, 16_383));
        assert_eq!(too_large(pixels("frame.webp", bombs::webp_lossy_inside(100, 100, true))), (16_383, 16_383));
    }

    #[test]
    fn animations_are_refused_by_their_canvas_and_their_frames() {
        let canvas = bombs::animated_webp(12_000, 12_000, 2);
        assert_eq!(too_large(pixels("bomb.webp", canvas)), (12_000, 12_000));
        assert_eq!(too_large(pixels("bomb.png", bombs::apng(12_000, 12_000, 2))), (12_000, 12_000));
        let reel = bombs::animated_webp(64, 64, MAX_FRAMES + 1);
        assert!(
            matches!(pixels("reel.webp", reel), Err(EvidenceError::Frames { frames, .. }) if frames == MAX_FRAMES + 1)
        );
        let reel = bombs::apng(64, 64, 100_000);
        assert!(matches!(pixels("reel.png", reel), Err(EvidenceError::Frames { frames: 100_000, .. })));
        // A small animation passes; its first frame is what is kept.
        assert!(pixels("ok.webp", bombs::animated_webp(64, 64, 3)).is_ok());
        let plan = pixels("ok.png", bombs::apng(64, 64, 2)).unwrap();
        assert!(prepare(&Upload { name: "ok.png".into(), bytes: bombs::apng(64, 64, 2) }, plan).is_ok());
    }

    #[test]
    fn a_file_name_that_turns_its_text_is_refused() {
        let photo = jpeg(40, 30);
        let spoof = Upload { name: "invoice\u{202E}gpj.exe".into(), bytes: photo.clone() };
        assert!(matches!(inspect(&spoof), Err(EvidenceError::Name(n)) if n == "invoicegpj.exe"));
        let isolate = Upload { name: "\u{2066}截图\u{2069}.jpg".into(), bytes: photo.clone() };
        assert!(matches!(inspect(&isolate), Err(EvidenceError::Name(n)) if n == "截图.jpg"));
        assert!(inspect(&Upload { name: "直播截图.jpg".into(), bytes: photo }).is_ok());
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
