//! Privacy for anything shown to the public or in aggregates: phone numbers in Indonesian
//! formats (`08…`, `+62…`, `62…`), 16-digit NIK and e-mail addresses are masked in free text.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b([a-z0-9._%+\-])[a-z0-9._%+\-]*@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.([a-z]{2,})\b",
    )
    .unwrap_or_else(|e| panic!("email pattern: {e}"))
});

/// 16 digits, optionally grouped by spaces, dots or dashes (KTP numbers are often written so).
static NIK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{4}[ .\-]?\d{4}[ .\-]?\d{4}[ .\-]?\d{4}\b")
        .unwrap_or_else(|e| panic!("NIK pattern: {e}"))
});

/// Mobile numbers: `08…`, `+62 8…`, `62 8…`, `(+62) 8…`, with spaces, dots or dashes; 9 to 13
/// digits after the country or trunk prefix.
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\(?\+62\)?|\b62|\b0)[ .\-]?8(?:[ .\-]?\d){7,11}\b")
        .unwrap_or_else(|e| panic!("phone pattern: {e}"))
});

/// Keeps the first `keep_start` and last `keep_end` digits, masks every other digit.
fn mask_digits(s: &str, keep_start: usize, keep_end: usize) -> String {
    let total = s.chars().filter(char::is_ascii_digit).count();
    let mut seen = 0;
    s.chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= keep_start || seen > total.saturating_sub(keep_end) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Masks personal data in `text`. Text without any is returned as it was.
pub fn mask(text: &str) -> Cow<'_, str> {
    let after_email = EMAIL.replace_all(text, |c: &Captures| format!("{}***@***.{}", &c[1], &c[2]));
    let after_nik = match NIK.replace_all(&after_email, |c: &Captures| mask_digits(&c[0], 0, 0)) {
        Cow::Borrowed(_) => after_email.clone(),
        Cow::Owned(s) => Cow::Owned(s),
    };
    let masked = PHONE
        .replace_all(&after_nik, |c: &Captures| mask_digits(&c[0], 4, 2))
        .into_owned();
    if masked == text {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(masked)
    }
}

/// [`mask`] for optional text.
pub fn mask_opt(text: Option<&str>) -> Option<String> {
    text.map(|t| mask(t).into_owned())
}

/// A coordinate as published: rounded to three decimals, about 110 m, so a public map shows
/// the street, not the house.
pub fn public_coordinate(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// House numbers (`No. 17`, `nomor 5A`) in an address.
static HOUSE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(no|nomor|nomer)(\.?\s*)\d+[a-z]?\b")
        .unwrap_or_else(|e| panic!("house number pattern: {e}"))
});

/// An address as published: personal data masked as in [`mask`], and house numbers hidden.
pub fn public_address(address: &str) -> String {
    HOUSE_NUMBER
        .replace_all(&mask(address), "${1}${2}*")
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_every_indonesian_form() {
        let cases = [
            ("hubungi 081234567890 ya", "hubungi 0812******90 ya"),
            ("WA: 0812-3456-7890", "WA: 0812-****-**90"),
            ("0812 3456 789", "0812 **** *89"),
            ("+6281234567890", "+6281*******90"),
            ("+62 812-3456-7890.", "+62 81*-****-**90."),
            ("62812345678", "6281*****78"),
            ("(+62) 85712345678", "(+62) 85*******78"),
        ];
        for (input, expected) in cases {
            let got = mask(input);
            assert_eq!(got, expected, "{input}");
            assert!(!got.contains("3456"), "{got}");
        }
    }

    #[test]
    fn nik_and_email() {
        assert_eq!(
            mask("NIK saya 3213012345670001, mohon dibantu"),
            "NIK saya ****************, mohon dibantu"
        );
        assert_eq!(mask("3213 0123 4567 0001"), "**** **** **** ****");
        assert_eq!(
            mask("kirim ke warga.jalancagak@gmail.com"),
            "kirim ke w***@***.com"
        );
        assert_eq!(mask("Budi.S@Subang.go.id"), "B***@***.id");
    }

    #[test]
    fn public_places_are_coarse() {
        assert_eq!(public_coordinate(-6.658312), -6.658);
        assert_eq!(public_coordinate(107.677591), 107.678);
        assert_eq!(
            public_address("Jl. Otista No. 17A, RT 02/RW 05, WA 081234567890"),
            "Jl. Otista No. *, RT 02/RW 05, WA 0812******90"
        );
        assert_eq!(public_address("Gg. Mawar nomor 5"), "Gg. Mawar nomor *");
    }

    #[test]
    fn other_numbers_stay() {
        for text in [
            "Jl. Raya Curugrendeng km 12, RT 03/RW 05",
            "sudah 3 bulan, sejak 2025",
            "tiket SBG-25-000123",
            "kode pos 41281",
            "koordinat -6.6583, 107.6772",
        ] {
            assert!(matches!(mask(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn several_at_once() {
        let t = mask("Budi (budi@mail.id, 0812-1111-2222), NIK 3213012345670001");
        assert_eq!(
            t,
            "Budi (b***@***.id, 0812-****-**22), NIK ****************"
        );
    }
}
