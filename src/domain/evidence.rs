//! Evidence a complaint comes with: what may be sent, told by the file's
//! own first bytes (never its name or the type the browser declared).

/// At most this much a file.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// At most this many files a message.
pub const MAX_FILES: usize = 9;

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
