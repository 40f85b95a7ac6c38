// Organizations through the SDK: organization, trusted access, delegated admins, the OU tree.

use super::error::AwsError;
use super::model::{OrgAccount, OrgInfo, OrgUnit};
use super::sdk::Aws;
use super::traits::Organizations;
use aws_sdk_organizations::types::OrganizationFeatureSet;

impl Organizations for Aws {
    async fn describe_organization(&self) -> Result<OrgInfo, AwsError> {
        let op = "DescribeOrganization";
        let out = self
            .organizations
            .describe_organization()
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(op, e))?;
        let org = out.organization.ok_or_else(|| AwsError::Unexpected {
            operation: op,
            message: "no organization in the answer".to_owned(),
        })?;
        Ok(OrgInfo {
            id: org.id.unwrap_or_default(),
            management_account: org.master_account_id.unwrap_or_default(),
            all_features: org.feature_set == Some(OrganizationFeatureSet::All),
        })
    }

    async fn trusted_services(&self) -> Result<Vec<String>, AwsError> {
        let op = "ListAWSServiceAccessForOrganization";
        let mut principals = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .organizations
                .list_aws_service_access_for_organization()
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            principals.extend(
                out.enabled_service_principals
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| p.service_principal),
            );
            token = out.next_token;
            if token.is_none() {
                return Ok(principals);
            }
        }
    }

    async fn delegated_administrators(&self, principal: &str) -> Result<Vec<String>, AwsError> {
        let op = "ListDelegatedAdministrators";
        let mut accounts = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .organizations
                .list_delegated_administrators()
                .service_principal(principal)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            accounts.extend(
                out.delegated_administrators
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|a| a.id),
            );
            token = out.next_token;
            if token.is_none() {
                return Ok(accounts);
            }
        }
    }

    async fn roots(&self) -> Result<Vec<OrgUnit>, AwsError> {
        let op = "ListRoots";
        let mut roots = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .organizations
                .list_roots()
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            roots.extend(out.roots.unwrap_or_default().into_iter().map(|r| OrgUnit {
                id: r.id.unwrap_or_default(),
                name: r.name.unwrap_or_else(|| "Root".to_owned()),
            }));
            token = out.next_token;
            if token.is_none() {
                return Ok(roots);
            }
        }
    }

    async fn units_for_parent(&self, parent: &str) -> Result<Vec<OrgUnit>, AwsError> {
        let op = "ListOrganizationalUnitsForParent";
        let mut units = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .organizations
                .list_organizational_units_for_parent()
                .parent_id(parent)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            units.extend(
                out.organizational_units
                    .unwrap_or_default()
                    .into_iter()
                    .map(|u| OrgUnit {
                        id: u.id.unwrap_or_default(),
                        name: u.name.unwrap_or_default(),
                    }),
            );
            token = out.next_token;
            if token.is_none() {
                return Ok(units);
            }
        }
    }

    async fn accounts_for_parent(&self, parent: &str) -> Result<Vec<OrgAccount>, AwsError> {
        let op = "ListAccountsForParent";
        let mut accounts = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .organizations
                .list_accounts_for_parent()
                .parent_id(parent)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| AwsError::from_sdk(op, e))?;
            accounts.extend(out.accounts.unwrap_or_default().into_iter().map(|a| {
                OrgAccount {
                    id: a.id.unwrap_or_default(),
                    name: a.name.unwrap_or_default(),
                    status: a
                        .state
                        .map(|s| s.as_str().to_owned())
                        .unwrap_or_else(|| "ACTIVE".to_owned()),
                }
            }));
            token = out.next_token;
            if token.is_none() {
                return Ok(accounts);
            }
        }
    }
}
