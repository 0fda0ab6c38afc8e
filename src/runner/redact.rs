//! Secret values out of logs and messages: every value the run knows to be secret
//! (the API token, its secret part, other `env()` secrets of the project) is replaced
//! wherever a tool prints it.

/// What replaces a secret.
pub const MASK: &str = "[redacted]";

#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// Longest first, so that a token is masked whole before its secret part.
    secrets: Vec<String>,
}

impl Redactor {
    /// Values shorter than 4 characters are not masked: they would mask ordinary text
    /// and protect nothing.
    pub fn new(values: impl IntoIterator<Item = String>) -> Redactor {
        let mut secrets: Vec<String> = values.into_iter().filter(|v| v.len() >= 4).collect();
        // An API token's secret part on its own too (`user@realm!name=SECRET`).
        let parts: Vec<String> = secrets
            .iter()
            .filter_map(|v| v.split_once('=').map(|(_, s)| s.to_string()))
            .filter(|s| s.len() >= 4)
            .collect();
        secrets.extend(parts);
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), MASK);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_their_secret_parts_are_masked() {
        let r = Redactor::new(["root@pam!ci=abcd-1234".to_string(), "x".to_string()]);
        assert_eq!(
            r.apply("token root@pam!ci=abcd-1234 then abcd-1234 alone, x stays"),
            "token [redacted] then [redacted] alone, x stays"
        );
    }
}
