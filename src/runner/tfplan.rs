//! What a Terraform plan would do, read from `terraform show -json <plan>`: which
//! resources it creates, updates, replaces and destroys. Replacements and
//! destructions come first in every summary: they lose a guest's disks.

use serde::Deserialize;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub create: Vec<String>,
    pub update: Vec<String>,
    pub replace: Vec<String>,
    pub destroy: Vec<String>,
}

#[derive(Deserialize)]
struct Plan {
    #[serde(default)]
    resource_changes: Vec<ResourceChange>,
}

#[derive(Deserialize)]
struct ResourceChange {
    address: String,
    change: Change,
}

#[derive(Deserialize)]
struct Change {
    actions: Vec<String>,
}

impl Changes {
    /// Reads the JSON of `terraform show -json`; `Err` says why it is not one.
    pub fn read(json: &str) -> Result<Changes, String> {
        let plan: Plan = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let mut changes = Changes::default();
        for rc in plan.resource_changes {
            let actions: Vec<&str> = rc.change.actions.iter().map(String::as_str).collect();
            let list = match actions.as_slice() {
                ["create"] => &mut changes.create,
                ["update"] => &mut changes.update,
                ["delete"] => &mut changes.destroy,
                ["delete", "create"] | ["create", "delete"] => &mut changes.replace,
                _ => continue,
            };
            list.push(rc.address);
        }
        Ok(changes)
    }

    /// Whether applying loses something: a replaced or destroyed resource.
    pub fn is_destructive(&self) -> bool {
        !self.replace.is_empty() || !self.destroy.is_empty()
    }

    /// Lines for people, the destructive ones first and marked `!!`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for address in &self.destroy {
            lines.push(format!("!! destroy  {address}"));
        }
        for address in &self.replace {
            lines.push(format!("!! replace  {address} (destroyed, then made anew)"));
        }
        for address in &self.create {
            lines.push(format!("   create   {address}"));
        }
        for address in &self.update {
            lines.push(format!("   update   {address} (in place)"));
        }
        lines.push(format!(
            "Terraform: {} to create, {} to update in place, {} to replace, {} to destroy",
            self.create.len(),
            self.update.len(),
            self.replace.len(),
            self.destroy.len()
        ));
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_sort_into_what_they_do() {
        let json = r#"{"format_version": "1.2", "resource_changes": [
            {"address": "a.new", "change": {"actions": ["create"]}},
            {"address": "a.same", "change": {"actions": ["no-op"]}},
            {"address": "a.edit", "change": {"actions": ["update"]}},
            {"address": "a.gone", "change": {"actions": ["delete"]}},
            {"address": "a.swap", "change": {"actions": ["delete", "create"]}},
            {"address": "a.swap2", "change": {"actions": ["create", "delete"]}},
            {"address": "data.x", "change": {"actions": ["read"]}}]}"#;
        let changes = Changes::read(json).expect("a plan");
        assert_eq!(changes.create, ["a.new"]);
        assert_eq!(changes.update, ["a.edit"]);
        assert_eq!(changes.replace, ["a.swap", "a.swap2"]);
        assert_eq!(changes.destroy, ["a.gone"]);
        assert!(changes.is_destructive());
        assert_eq!(changes.lines()[0], "!! destroy  a.gone");
        assert!(Changes::read("not json").is_err());
        assert!(!Changes::read("{}").expect("empty").is_destructive());
    }
}
