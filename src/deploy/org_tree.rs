// The organization as a tree (roots, OUs, accounts), walked once through the Organizations trait.

use crate::aws::{AwsError, Organizations};
use std::collections::{BTreeMap, BTreeSet};

/// A root or OU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Unit {
    /// Name.
    pub name: String,
    /// Parent id; `None` for a root.
    pub parent: Option<String>,
}

/// A member account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Account {
    /// Name.
    pub name: String,
    /// The root or OU it sits in.
    pub parent: String,
    /// `ACTIVE`, `SUSPENDED`, ….
    pub status: String,
}

/// Every root, OU and account of the organization.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct OrgTree {
    /// Roots and OUs by id.
    pub units: BTreeMap<String, Unit>,
    /// Accounts by id.
    pub accounts: BTreeMap<String, Account>,
}

impl OrgTree {
    /// Walk the organization from its roots, every page of every level (ListRoots,
    /// ListOrganizationalUnitsForParent, ListAccountsForParent).
    pub(super) async fn walk(api: &impl Organizations) -> Result<OrgTree, AwsError> {
        let mut tree = OrgTree::default();
        let mut pending: Vec<String> = Vec::new();
        for root in api.roots().await? {
            pending.push(root.id.clone());
            tree.units.insert(
                root.id,
                Unit {
                    name: root.name,
                    parent: None,
                },
            );
        }
        while let Some(parent) = pending.pop() {
            for unit in api.units_for_parent(&parent).await? {
                pending.push(unit.id.clone());
                tree.units.insert(
                    unit.id,
                    Unit {
                        name: unit.name,
                        parent: Some(parent.clone()),
                    },
                );
            }
            for account in api.accounts_for_parent(&parent).await? {
                tree.accounts.insert(
                    account.id,
                    Account {
                        name: account.name,
                        parent: parent.clone(),
                        status: account.status,
                    },
                );
            }
        }
        Ok(tree)
    }

    /// `name (ou-…)`, or the bare id when unknown.
    pub(super) fn unit_label(&self, id: &str) -> String {
        match self.units.get(id) {
            Some(unit) => format!("{} ({id})", unit.name),
            None => id.to_owned(),
        }
    }

    /// `name (123456789012)`, or the bare id when unknown.
    pub(super) fn account_label(&self, id: &str) -> String {
        match self.accounts.get(id) {
            Some(account) => format!("{} ({id})", account.name),
            None => id.to_owned(),
        }
    }

    /// Whether `unit` is `ancestor` or nested under it.
    pub(super) fn unit_is_within(&self, unit: &str, ancestor: &str) -> bool {
        let mut current = Some(unit.to_owned());
        while let Some(id) = current {
            if id == ancestor {
                return true;
            }
            current = self.units.get(&id).and_then(|u| u.parent.clone());
        }
        false
    }

    /// Whether `account` sits in `unit` or below it.
    pub(super) fn account_is_within(&self, account: &str, unit: &str) -> bool {
        self.accounts
            .get(account)
            .is_some_and(|a| self.unit_is_within(&a.parent, unit))
    }

    /// Every account in `unit` or below it.
    pub(super) fn accounts_within(&self, unit: &str) -> BTreeSet<String> {
        self.accounts
            .keys()
            .filter(|id| self.account_is_within(id, unit))
            .cloned()
            .collect()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// root r-1 → ou-root-apps0000 (acc 111, 112) → ou-root-appsdev0 (acc 113); root → ou-root-base0000 (acc 121); root: mgmt 100.
    pub(crate) fn sample() -> OrgTree {
        let mut tree = OrgTree::default();
        let unit = |name: &str, parent: Option<&str>| Unit {
            name: name.into(),
            parent: parent.map(Into::into),
        };
        tree.units.insert("r-root".into(), unit("Root", None));
        tree.units
            .insert("ou-root-apps0000".into(), unit("Apps", Some("r-root")));
        tree.units.insert(
            "ou-root-appsdev0".into(),
            unit("AppsDev", Some("ou-root-apps0000")),
        );
        tree.units
            .insert("ou-root-base0000".into(), unit("Base", Some("r-root")));
        for (id, name, parent) in [
            ("100000000000", "mgmt", "r-root"),
            ("111111111111", "app-1", "ou-root-apps0000"),
            ("112222222222", "app-2", "ou-root-apps0000"),
            ("113333333333", "app-dev", "ou-root-appsdev0"),
            ("121111111111", "base-1", "ou-root-base0000"),
        ] {
            tree.accounts.insert(
                id.into(),
                Account {
                    name: name.into(),
                    parent: parent.into(),
                    status: "ACTIVE".into(),
                },
            );
        }
        tree
    }

    #[test]
    fn nesting_is_followed_to_the_root() {
        let tree = sample();
        assert!(tree.unit_is_within("ou-root-appsdev0", "ou-root-apps0000"));
        assert!(tree.unit_is_within("ou-root-appsdev0", "r-root"));
        assert!(!tree.unit_is_within("ou-root-apps0000", "ou-root-appsdev0"));
        assert_eq!(tree.accounts_within("ou-root-apps0000").len(), 3);
        assert_eq!(tree.account_label("113333333333"), "app-dev (113333333333)");
        assert_eq!(
            tree.unit_label("ou-root-base0000"),
            "Base (ou-root-base0000)"
        );
        assert_eq!(tree.unit_label("ou-zz"), "ou-zz");
    }
}
