//! Evidence a complaint comes with: what may be sent, told by the file's
//! own first bytes (never its name or the type the browser declared).

/// At most this much a file.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// At most this many files a message.
pub const MAX_FILES: usize = 9;
/// At most this many pixels an image: a 12 MP phone photo (4000×3000)
/// fits with room, a 12000×12000 "bomb" does not. Checked from the
/// header, before anything is decoded.
pub const MAX_PIXELS: u64 = 16_000_000;
/// At most this many bytes an image may take decoded: 8-bit RGBA at
/// [`MAX_PIXELS`] (64 MB). A 16-bit image gets half the pixels: at 8 bytes
/// a pixel, a 4000×4000 16-bit RGBA PNG of 100 KB would take over 300 MiB
/// to make anew. Phone photos are 8-bit.
pub const MAX_DECODED: u64 = MAX_PIXELS * 4;
/// At most this many frames an animation (APNG, animated WebP) declares;
/// only its first frame, on its canvas, is ever decoded and kept.
pub const MAX_FRAMES: u32 = 1_000;

crate::slug_enum! {
    /// Who sent a file.
    pub enum Side {
        Consumer => "consumer",
        Merchant => "merchant",
    }
}

crate::slug_enum! {
    /// The kinds of file accepted.
    pub enum Kind {
        Jpeg => "jpeg",
        Png => "png",
        Webp => "webp",
        Pdf => "pdf",
    }
}

impl Kind {
    /// What the file's first bytes say it is; `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<Kind> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(Kind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Kind::Png),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Kind::Webp),
            [b'%', b'P', b'D', b'F', b'-', ..] => Some(Kind::Pdf),
            _ => None,
        }
    }

    /// The `Content-Type` it is served with.
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != Kind::Pdf
    }

    /// The file name's extension, for a download.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Webp => "webp",
            Kind::Pdf => "pdf",
        }
    }
}

/// Why an image is refused from its header alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oversize {
    /// More pixels (or decoded bytes) than allowed: its declared size.
    Pixels { width: u32, height: u32 },
    /// An animation with more frames than allowed.
    Frames(u32),
}

/// What an image's header declares: its size (an animation's canvas), the
/// bytes it takes decoded, and its frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declared {
    pub width: u32,
    pub height: u32,
    pub decoded: u64,
    pub frames: u32,
}

impl Declared {
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// Refuses what would take too much memory to decode.
    pub fn check(&self) -> Result<(), Oversize> {
        if self.pixels() > MAX_PIXELS || self.decoded > MAX_DECODED {
            return Err(Oversize::Pixels { width: self.width, height: self.height });
        }
        if self.frames > MAX_FRAMES {
            return Err(Oversize::Frames(self.frames));
        }
        Ok(())
    }

    /// The memory, in bytes, making this image anew takes at its peak: the
    /// decoder's own buffers (a progressive JPEG keeps every coefficient,
    /// 6 bytes a pixel; WebP decodes a frame and then a canvas), the decoded
    /// image and the copy its orientation turns it into, and the 8-bit copy
    /// the encoder is given (up to 4 bytes a pixel). The thumbnail is small.
    pub fn cost(&self, kind: Kind) -> u64 {
        let px = self.pixels();
        let decoder = match kind {
            Kind::Jpeg => 6 * px,
            Kind::Webp if self.frames > 1 => 8 * px,
            Kind::Webp => 4 * px,
            Kind::Png | Kind::Pdf => 0,
        };
        decoder + 2 * self.decoded + 4 * px
    }
}

/// The frames an image declares: an APNG's `acTL` count, an animated
/// WebP's `ANMF` chunks; 1 for a still image (or one whose chunks cannot be
/// walked: the decoder will refuse it).
pub fn frames(bytes: &[u8], kind: Kind) -> u32 {
    match kind {
        Kind::Png => png_frames(bytes),
        Kind::Webp => webp_frames(bytes),
        Kind::Jpeg | Kind::Pdf => 1,
    }
}

/// PNG chunks: length (big-endian), type, data, CRC; `acTL` comes before
/// the first `IDAT` and starts with the frame count.
fn png_frames(bytes: &[u8]) -> u32 {
    let mut at = 8;
    while let Some(header) = bytes.get(at..at + 8) {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        match &header[4..8] {
            b"acTL" => {
                return bytes.get(at + 8..at + 12).map_or(1, |n| u32::from_be_bytes([n[0], n[1], n[2], n[3]]).max(1));
            }
            b"IDAT" | b"IEND" => return 1,
            _ => at = at.saturating_add(12).saturating_add(len),
        }
    }
    1
}

/// RIFF chunks after the 12-byte header: type, length (little-endian),
/// data padded to an even length; each frame is an `ANMF` chunk.
fn webp_frames(bytes: &[u8]) -> u32 {
    let (mut at, mut frames) = (12usize, 0u32);
    while let Some(header) = bytes.get(at..at + 8) {
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        if &header[..4] == b"ANMF" {
            frames = frames.saturating_add(1);
        }
        at = at.saturating_add(8).saturating_add(len).saturating_add(len & 1);
    }
    frames.max(1)
}

/// The largest picture a WebP's bitstreams declare, when larger than what
/// its header says: an extended WebP's canvas (VP8X) may be small while a
/// lossy bitstream inside (VP8, at the top or in a frame) declares 16383²,
/// and the lossy decoder allocates for its own header, not the canvas.
pub fn largest_bitstream(bytes: &[u8], kind: Kind) -> Option<(u32, u32)> {
    if kind != Kind::Webp {
        return None;
    }
    let mut largest: Option<(u32, u32)> = None;
    let mut note = |size: (u32, u32)| {
        let px = |(w, h): (u32, u32)| u64::from(w) * u64::from(h);
        if largest.is_none_or(|l| px(size) > px(l)) {
            largest = Some(size);
        }
    };
    for (kind, data) in riff_chunks(bytes, 12) {
        match kind {
            b"ANMF" => {
                for (kind, data) in riff_chunks(data, 16) {
                    bitstream_size(kind, data).map(&mut note);
                }
            }
            kind => {
                bitstream_size(kind, data).map(&mut note);
            }
        }
    }
    largest
}

/// The size a VP8 (lossy) or VP8L (lossless) bitstream's header declares.
fn bitstream_size(kind: &[u8], data: &[u8]) -> Option<(u32, u32)> {
    match kind {
        b"VP8 " => {
            let header = data.get(3..10)?;
            (header[..3] == [0x9d, 0x01, 0x2a]).then(|| {
                let w = u16::from_le_bytes([header[3], header[4]]) & 0x3FFF;
                let h = u16::from_le_bytes([header[5], header[6]]) & 0x3FFF;
                (u32::from(w), u32::from(h))
            })
        }
        b"VP8L" => {
            let header = data.get(..5)?;
            let bits = u32::from_le_bytes([header[1], header[2], header[3], header[4]]);
            (header[0] == 0x2F).then(|| ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        _ => None,
    }
}

/// The RIFF chunks of `bytes` from `at` on: type and data.
fn riff_chunks(bytes: &[u8], mut at: usize) -> impl Iterator<Item = (&[u8], &[u8])> {
    std::iter::from_fn(move || {
        let header = bytes.get(at..at.checked_add(8)?)?;
        let len = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let start = at + 8;
        let data = bytes.get(start..start.saturating_add(len).min(bytes.len()))?;
        at = start.saturating_add(len).saturating_add(len & 1);
        Some((&header[..4], data))
    })
}

/// The last part of a name a browser sent (some send the whole path).
pub fn base_name(sent: &str) -> &str {
    sent.rsplit(['/', '\\']).next().unwrap_or("")
}

/// A file kept on disk under its SHA-256, with its thumbnail's.
#[derive(Debug, Clone)]
pub struct Stored {
    pub kind: Kind,
    pub name: String,
    pub sha256: String,
    pub thumb_sha256: Option<String>,
    pub bytes: i64,
}

/// The name a file was sent with, safe to show and to offer back as a
/// download: no folders, no control characters, at most 80 characters,
/// and the extension its content deserves.
pub fn safe_name(sent: &str, kind: Kind) -> String {
    let base = base_name(sent);
    let stem = base.rsplit_once('.').map_or(base, |(stem, _)| stem);
    let clean: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .take(80)
        .collect();
    let stem = clean.trim().trim_start_matches('.');
    let stem = if stem.is_empty() { "evidence" } else { stem };
    format!("{stem}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_not_the_name() {
        assert_eq!(Kind::sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF"), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(Kind::Webp));
        assert_eq!(Kind::sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        for bad in [&b"<?php system($_GET['c']); ?>"[..], b"GIF89a", b"RIFF\0\0\0\0WAVE", b"", b"\xFF\xD8"] {
            assert_eq!(Kind::sniff(bad), None, "{bad:?}");
        }
    }

    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[0; 4]);
        c
    }

    #[test]
    fn frames_are_counted_from_the_chunks() {
        let mut apng = b"\x89PNG\r\n\x1a\n".to_vec();
        apng.extend(chunk(b"IHDR", &[0; 13]));
        apng.extend(chunk(b"acTL", &[0, 0, 0x0F, 0xA0, 0, 0, 0, 0]));
        apng.extend(chunk(b"IDAT", &[0; 4]));
        assert_eq!(frames(&apng, Kind::Png), 4000);
        let mut still = b"\x89PNG\r\n\x1a\n".to_vec();
        still.extend(chunk(b"IHDR", &[0; 13]));
        still.extend(chunk(b"IDAT", &[0; 4]));
        assert_eq!(frames(&still, Kind::Png), 1);
        // An acTL after IDAT is not an animation's.
        still.extend(chunk(b"acTL", &[0, 0, 9, 9, 0, 0, 0, 0]));
        assert_eq!(frames(&still, Kind::Png), 1);

        let mut webp = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0".to_vec();
        webp.extend([0; 10]);
        for _ in 0..3 {
            webp.extend(b"ANMF\x03\0\0\0abc\0");
        }
        assert_eq!(frames(&webp, Kind::Webp), 3);
        assert_eq!(frames(b"RIFF\0\0\0\0WEBPVP8L\xff\xff\xff\xff", Kind::Webp), 1);
    }

    #[test]
    fn images_are_refused_by_their_declared_size() {
        let photo = Declared { width: 4000, height: 3000, decoded: 4000 * 3000 * 3, frames: 1 };
        assert_eq!(photo.check(), Ok(()));
        let bomb = Declared { width: 12_000, height: 12_000, decoded: 12_000 * 12_000 * 8, frames: 1 };
        assert_eq!(bomb.check(), Err(Oversize::Pixels { width: 12_000, height: 12_000 }));
        let wide = Declared { width: 65_000, height: 1, decoded: 65_000 * 3, frames: 1 };
        assert_eq!(wide.check(), Ok(()));
        let reel = Declared { width: 100, height: 100, decoded: 40_000, frames: MAX_FRAMES + 1 };
        assert_eq!(reel.check(), Err(Oversize::Frames(MAX_FRAMES + 1)));
        // A photo costs more than its decoded bytes; a bomb far more than a photo.
        assert!(photo.cost(Kind::Jpeg) > 3 * photo.decoded);
        assert!(bomb.cost(Kind::Png) > 10 * photo.cost(Kind::Png));
    }

    #[test]
    fn names_lose_folders_and_tricks_and_take_the_true_extension() {
        assert_eq!(safe_name("../../etc/passwd", Kind::Pdf), "passwd.pdf");
        assert_eq!(safe_name("C:\\Users\\王芳\\直播截图.PNG", Kind::Png), "直播截图.png");
        assert_eq!(safe_name("shell.php.png", Kind::Jpeg), "shell.php.jpg");
        assert_eq!(safe_name("\"a<b>\r\n.jpg", Kind::Jpeg), "ab.jpg");
        assert_eq!(safe_name("", Kind::Webp), "evidence.webp");
        assert_eq!(safe_name(".htaccess", Kind::Pdf), "evidence.pdf");
    }
}
