"""Scripted AWS Organizations: ListParents over the synthetic fleet, for a rollout's scope check.

moto's Organizations gives OUs ids of its own, so the policies' OU ids cannot exist there. The
tree here: every OU a wave names sits under the root; an account in fleet.ou_accounts(ou) sits in
that OU; an account the policy names directly sits under the root; any other id is not in the
organization (ChildNotFoundException, as AWS answers). Requests are validated against botocore's
model first.
"""

from __future__ import annotations

import uuid

import botocore.session
from botocore.exceptions import ClientError
from botocore.validate import validate_parameters

from . import fleet

_MODEL = botocore.session.get_session().get_service_model("organizations")
ROOT_ID = "r-fake"


class FakeOrganizations:
    def __init__(self, policy) -> None:
        self.ous = sorted({ou for wave in policy.waves for ou in wave.organizational_units})
        self.direct = {a for wave in policy.waves for a in wave.accounts} | set(policy.exclude_accounts)
        self.calls: list[dict] = []
        self.errors: list[str] = []

    def client(self, region: str) -> "FakeOrganizations":
        return self

    def list_parents(self, **params) -> dict:
        validate_parameters(params, _MODEL.operation_model("ListParents").input_shape)
        self.calls.append(params)
        child = params["ChildId"]
        if child in self.ous:
            return {"Parents": [{"Id": ROOT_ID, "Type": "ROOT"}]}
        for ou in self.ous:
            if child in fleet.ou_accounts(ou):
                return {"Parents": [{"Id": ou, "Type": "ORGANIZATIONAL_UNIT"}]}
        if child in self.direct:
            return {"Parents": [{"Id": ROOT_ID, "Type": "ROOT"}]}
        raise ClientError(
            {
                "Error": {"Code": "ChildNotFoundException", "Message": f"We can't find an organizational unit (OU) or AWS account with the ChildId {child} that you specified."},
                "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": str(uuid.uuid4())},
            },
            "ListParents",
        )

    def __getattr__(self, name: str):
        self.errors.append(f"organizations:{name} is not scripted by the harness")
        raise AttributeError(name)
