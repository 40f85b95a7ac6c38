# moto_server, with every request taken to arrive over TLS, as patchform's and CloudFormation's do on AWS.
#
# moto 5.2.5 checks bucket policies on object requests, but ignores the condition operators it does
# not implement (`Bool` among them): the TLS-only statement of patchform's artifact bucket (Deny
# s3:* when aws:SecureTransport is false) would deny every HeadObject, PutObject and GetObject.
# On AWS the SDK and CloudFormation reach S3 over HTTPS, where that statement never applies; here
# moto skips exactly that statement and is otherwise the moto_server of .venv (docs/deploy.md).
import sys

from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.server import main


def _is_false(value):
    if isinstance(value, list):
        return len(value) == 1 and _is_false(value[0])
    return str(value).lower() == "false"


def denies_plain_http_only(statement):
    """A Deny whose only condition is aws:SecureTransport false."""
    condition = statement.get("Condition") or {}
    only_bool = list(condition) == ["Bool"] and list(condition["Bool"]) == ["aws:SecureTransport"]
    return (
        statement.get("Effect") == "Deny"
        and only_bool
        and _is_false(condition["Bool"]["aws:SecureTransport"])
    )


_original = IAMPolicyStatement.is_action_permitted


def is_action_permitted(self, action, resource="*", principal=None, incoming_condition_values=None):
    if denies_plain_http_only(self._statement):
        return PermissionResult.NEUTRAL
    return _original(self, action, resource, principal, incoming_condition_values)


IAMPolicyStatement.is_action_permitted = is_action_permitted

if __name__ == "__main__":
    sys.argv[0] = "moto_server"
    sys.exit(main())
