//! Splitting long text into LINE text messages of at most 5,000 UTF-16 code units.

/// The longest text message LINE takes, in UTF-16 code units.
pub const MAX_TEXT_UTF16: usize = 5_000;

/// How far back from the limit a newline or space is looked for to split at.
const LOOK_BACK_UTF16: usize = 500;

/// Splits `text` into pieces of at most `max_utf16` UTF-16 code units each that join back to
/// `text`. Pieces end at a character boundary (a surrogate pair is never split), after a newline
/// or space near the limit when there is one. An empty text gives no pieces.
pub fn split_text(text: &str, max_utf16: usize) -> Vec<String> {
    let max_utf16 = max_utf16.max(2); // room for one character of any size
    let mut pieces = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cut = cut_point(rest, max_utf16);
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece.to_string());
        rest = tail;
    }
    pieces
}

/// The byte index to end the first piece of `text` at.
fn cut_point(text: &str, max_utf16: usize) -> usize {
    let mut units = 0;
    // The last newline and the last other white space seen, as the byte index just after them,
    // with the UTF-16 length up to there.
    let mut after_newline = None;
    let mut after_space = None;
    for (i, c) in text.char_indices() {
        let len = c.len_utf16();
        if units + len > max_utf16 {
            let soft_floor = max_utf16.saturating_sub(LOOK_BACK_UTF16);
            let near = |p: Option<(usize, usize)>| p.filter(|&(_, u)| u > soft_floor);
            return near(after_newline)
                .or(near(after_space))
                .map_or(i, |(byte, _)| byte);
        }
        units += len;
        let after = i + c.len_utf8();
        if c == '\n' {
            after_newline = Some((after, units));
        } else if c.is_whitespace() {
            after_space = Some((after, units));
        }
    }
    text.len()
}

/// The length of `text` in UTF-16 code units, as LINE counts characters.
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_one_piece() {
        assert_eq!(split_text("hello", 10), ["hello"]);
        assert!(split_text("", 10).is_empty());
    }

    #[test]
    fn never_splits_a_surrogate_pair() {
        // Each 😀 is two UTF-16 units; a limit of 5 fits two of them.
        let text = "😀😀😀😀😀";
        let pieces = split_text(text, 5);
        assert_eq!(pieces, ["😀😀", "😀😀", "😀"]);
        assert!(pieces.iter().all(|p| utf16_len(p) <= 5));
    }

    #[test]
    fn prefers_a_newline_then_a_space() {
        let pieces = split_text("aaaa bbb\ncccc dddd", 12);
        assert_eq!(pieces, ["aaaa bbb\n", "cccc dddd"]);
        let pieces = split_text("aaaa bbbb cccc", 12);
        assert_eq!(pieces, ["aaaa bbbb ", "cccc"]);
    }

    #[test]
    fn hard_splits_text_without_breaks() {
        let text = "あ".repeat(25);
        let pieces = split_text(&text, 10);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces.concat(), text);
    }

    #[test]
    fn pieces_join_back_to_the_text() {
        let text = "日本語のテキスト 🎉 with emoji\n".repeat(700);
        let pieces = split_text(&text, MAX_TEXT_UTF16);
        assert!(pieces.iter().all(|p| utf16_len(p) <= MAX_TEXT_UTF16));
        assert_eq!(pieces.concat(), text);
    }
}
