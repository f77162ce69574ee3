//! Tesseract through its command line, found at run time. One process reads a batch of
//! images (a list file: each image is a "page" of the TSV output), so the language model is
//! loaded once per batch, not once per cell.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::decode::Gray;
use super::ImageError;

/// The languages needed: labels in simplified Chinese, digits with the English model.
pub const LANGUAGES: [&str; 2] = ["chi_sim", "eng"];
/// What to install when Tesseract or its data is missing (Debian packages).
pub const INSTALL: &str = "apt-get install tesseract-ocr tesseract-ocr-chi-sim";

/// How Tesseract should take each image of a batch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// A block of text in simplified Chinese (labels, wrapped cells, prose): `--psm 6`.
    ChineseBlock,
    /// A page of prose with Tesseract's own layout analysis: `--psm 3`.
    ChinesePage,
    /// One line of digits: `--psm 7`, only `0-9 . , -` allowed.
    Digits,
}

impl Mode {
    fn args(self) -> Vec<&'static str> {
        match self {
            Mode::ChineseBlock => vec!["-l", "chi_sim", "--psm", "6"],
            Mode::ChinesePage => vec!["-l", "chi_sim", "--psm", "3"],
            Mode::Digits => vec![
                "-l",
                "eng",
                "--psm",
                "7",
                "-c",
                "tessedit_char_whitelist=0123456789.,-",
            ],
        }
    }
}

/// A word of Tesseract's TSV output, in the pixels of the image it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct TsvWord {
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// 0–100.
    pub confidence: f32,
    /// (block, paragraph, line): words of one line share it.
    pub line: (u32, u32, u32),
}

/// A Tesseract program whose languages were checked.
#[derive(Clone, Debug)]
pub struct Tesseract {
    program: OsString,
    tessdata: Option<PathBuf>,
}

impl Tesseract {
    /// `tesseract` on the PATH, with its installed languages.
    pub fn find() -> Result<Tesseract, ImageError> {
        Tesseract::with(OsStr::new("tesseract"), None)
    }

    /// A given program, and a tessdata folder instead of its own when `tessdata` is set.
    pub fn with(program: &OsStr, tessdata: Option<&Path>) -> Result<Tesseract, ImageError> {
        let t = Tesseract {
            program: program.to_os_string(),
            tessdata: tessdata.map(Path::to_path_buf),
        };
        let out = t
            .command()
            .arg("--list-langs")
            .stdin(Stdio::null())
            .output()
            .map_err(|_| ImageError::NoTesseract)?;
        if !out.status.success() && out.stdout.is_empty() {
            return Err(ImageError::NoTesseract);
        }
        // The list goes to stdout (Tesseract 5) after a heading line.
        let listed = String::from_utf8_lossy(&out.stdout);
        let have: Vec<&str> = listed.lines().map(str::trim).collect();
        if let Some(missing) = LANGUAGES.iter().find(|l| !have.contains(l)) {
            return Err(ImageError::NoLanguage(missing.to_string()));
        }
        Ok(t)
    }

    fn command(&self) -> Command {
        let mut c = Command::new(&self.program);
        if let Some(d) = &self.tessdata {
            c.arg("--tessdata-dir").arg(d);
        }
        // Tesseract's OpenMP threads cost more than they give on small images (a page takes
        // four times as long with them on two cores): one thread per process.
        c.env("OMP_THREAD_LIMIT", "1");
        c
    }

    /// Reads every image in one Tesseract process; the words of each image, in order.
    pub fn read(&self, images: &[Gray], mode: Mode) -> Result<Vec<Vec<TsvWord>>, ImageError> {
        let mut out = vec![Vec::new(); images.len()];
        if images.is_empty() {
            return Ok(out);
        }
        let dir =
            tempfile::tempdir().map_err(|e| ImageError::Ocr(format!("temporary folder: {e}")))?;
        let mut list = String::new();
        for (i, img) in images.iter().enumerate() {
            let path = dir.path().join(format!("{i:06}.pgm"));
            std::fs::write(&path, img.to_pgm())
                .map_err(|e| ImageError::Ocr(format!("writing {}: {e}", path.display())))?;
            list.push_str(&path.to_string_lossy());
            list.push('\n');
        }
        let list_path = dir.path().join("list.txt");
        std::fs::write(&list_path, list)
            .map_err(|e| ImageError::Ocr(format!("writing the list: {e}")))?;
        let base = dir.path().join("out");
        let result = self
            .command()
            .arg(&list_path)
            .arg(&base)
            .args(mode.args())
            .arg("tsv")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .map_err(|_| ImageError::NoTesseract)?;
        if !result.status.success() {
            let err = String::from_utf8_lossy(&result.stderr);
            return Err(ImageError::Ocr(format!(
                "tesseract failed: {}",
                err.lines().last().unwrap_or("no message")
            )));
        }
        let tsv = std::fs::read_to_string(base.with_extension("tsv"))
            .map_err(|e| ImageError::Ocr(format!("reading its TSV output: {e}")))?;
        for (page, word) in parse_tsv(&tsv) {
            if let Some(slot) = page.checked_sub(1).and_then(|i| out.get_mut(i)) {
                slot.push(word);
            }
        }
        Ok(out)
    }
}

/// Words (level 5 rows with text) of a TSV, each with its page number (1-based).
pub fn parse_tsv(tsv: &str) -> Vec<(usize, TsvWord)> {
    let mut out = Vec::new();
    for line in tsv.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 12 || f[0] != "5" {
            continue;
        }
        let text = f[11].trim();
        if text.is_empty() {
            continue;
        }
        let n = |i: usize| f[i].parse::<f64>().unwrap_or(0.0);
        let u = |i: usize| f[i].parse::<u32>().unwrap_or(0);
        let Ok(page) = f[1].parse::<usize>() else {
            continue;
        };
        out.push((
            page,
            TsvWord {
                text: text.to_string(),
                left: n(6),
                top: n(7),
                width: n(8),
                height: n(9),
                confidence: f[10].parse::<f32>().unwrap_or(0.0).clamp(0.0, 100.0),
                line: (u(2), u(3), u(4)),
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_keep_their_page_box_confidence_and_line() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t100\t40\t-1\t\n\
                   5\t1\t1\t1\t1\t1\t10\t5\t30\t20\t96.5\t4119\n\
                   5\t2\t1\t1\t2\t1\t3\t4\t5\t6\t12\t行政\n\
                   5\t2\t1\t1\t2\t2\t3\t4\t5\t6\t-1\t \n";
        let words = parse_tsv(tsv);
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].0, 1);
        assert_eq!(words[0].1.text, "4119");
        assert_eq!((words[0].1.left, words[0].1.width), (10.0, 30.0));
        assert_eq!(words[0].1.confidence, 96.5);
        assert_eq!((words[1].0, words[1].1.line), (2, (1, 1, 2)));
    }
}
