"""The hub stack as CloudFormation would create it, in moto: the resources the state machines use,
and the state machines themselves with DefinitionSubstitutions filled in (never edited)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import yaml
from botocore.config import Config

from .runbook import Runbook

ORGANIZATION_ID = "o-abcdefghij"
_SUB = re.compile(r"\$\{([A-Za-z0-9:._]+)\}")


@dataclass
class Hub:
    """What the harness knows of the created hub stack."""

    account: str
    region: str
    template: dict
    physical: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    runbooks: dict[str, Runbook] = field(default_factory=dict)
    # logical id -> the definition as loaded into Step Functions
    definitions: dict[str, str] = field(default_factory=dict)
    # topic logical id -> the SQS queue that receives everything published to it, per subscription
    topic_queues: dict[str, list[tuple[dict, str]]] = field(default_factory=dict)

    def resource(self, logical: str) -> dict:
        return self.template["Resources"][logical]

    def of_type(self, kind: str) -> list[str]:
        return [k for k, v in self.template["Resources"].items() if v["Type"] == kind]


def _client(service: str, region: str):
    return boto3.client(service, region_name=region, config=Config(parameter_validation=True))


class HubBuilder:
    """Creates, in moto, each resource a state machine reaches (through its substitutions)."""

    def __init__(self, template_path: Path, account: str, region: str, custom_documents: set[str]):
        template = yaml.safe_load(template_path.read_text())
        self.hub = Hub(account=account, region=region, template=template)
        self.custom_documents = custom_documents
        self.partition = "aws"

    # --- intrinsic functions -------------------------------------------------------------------
    def value(self, node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(logical, attribute)
            if key == "Fn::Sub":
                return self.sub(arg)
        if isinstance(node, (dict, list)):
            raise ValueError(f"the harness cannot resolve {json.dumps(node)}")
        return node

    def sub(self, text: str) -> str:
        def replace(match: re.Match) -> str:
            name = match.group(1)
            if "." in name:
                logical, attribute = name.split(".", 1)
                return self.get_att(logical, attribute)
            return self.ref(name)

        return _SUB.sub(replace, text)

    def ref(self, name: str) -> str:
        pseudo = {
            "AWS::Region": self.hub.region,
            "AWS::AccountId": self.hub.account,
            "AWS::Partition": self.partition,
            "OrganizationId": ORGANIZATION_ID,
        }
        if name in pseudo:
            return pseudo[name]
        if name not in self.hub.physical:
            self.create(name)
        return self.hub.physical[name]

    def get_att(self, logical: str, attribute: str) -> str:
        if attribute != "Arn":
            raise ValueError(f"the harness resolves only Arn attributes, not {logical}.{attribute}")
        self.ref(logical)
        return self.hub.arns[logical]

    # --- resources -----------------------------------------------------------------------------
    def create(self, logical: str) -> None:
        resource = self.hub.resource(logical)
        kind = resource["Type"]
        props = resource.get("Properties", {})
        region, account = self.hub.region, self.hub.account
        if kind == "AWS::S3::Bucket":
            name = props["BucketName"]
            s3 = _client("s3", region)
            if region == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": region})
            self.hub.physical[logical] = name
            self.hub.arns[logical] = f"arn:aws:s3:::{name}"
        elif kind == "AWS::DynamoDB::Table":
            name = props["TableName"]
            _client("dynamodb", region).create_table(
                TableName=name,
                AttributeDefinitions=props["AttributeDefinitions"],
                KeySchema=props["KeySchema"],
                BillingMode=props.get("BillingMode", "PAY_PER_REQUEST"),
            )
            self.hub.physical[logical] = name
            self.hub.arns[logical] = f"arn:aws:dynamodb:{region}:{account}:table/{name}"
        elif kind == "AWS::SNS::Topic":
            arn = _client("sns", region).create_topic(Name=props["TopicName"])["TopicArn"]
            self.hub.physical[logical] = arn
            self.hub.arns[logical] = arn
            self._listen(logical, arn)
        elif kind == "AWS::IAM::Role":
            name = props.get("RoleName", f"{logical}-harness")
            self.hub.physical[logical] = name
            self.hub.arns[logical] = f"arn:aws:iam::{account}:role/{name}"
        elif kind == "AWS::SSM::Document":
            name = props["Name"]
            if props.get("DocumentType") == "Automation":
                self.hub.runbooks[name] = Runbook(name, props["Content"], self.custom_documents)
            self.hub.physical[logical] = name
            self.hub.arns[logical] = f"arn:aws:ssm:{region}:{account}:document/{name}"
        elif kind == "AWS::StepFunctions::StateMachine":
            definition = props["Definition"]
            text = definition if isinstance(definition, str) else json.dumps(definition)
            substitutions = {k: str(self.value(v)) for k, v in (props.get("DefinitionSubstitutions") or {}).items()}

            def replace(match: re.Match) -> str:
                key = match.group(1)
                return substitutions[key] if key in substitutions else match.group(0)

            text = _SUB.sub(replace, text)
            left = sorted(set(_SUB.findall(text)))
            if left:
                raise ValueError(f"{logical}: ${{...}} without a DefinitionSubstitution: {left}")
            role = self.value(props["RoleArn"])
            arn = _client("stepfunctions", region).create_state_machine(
                name=props["StateMachineName"], definition=text, roleArn=role, type=props.get("StateMachineType", "STANDARD")
            )["stateMachineArn"]
            self.hub.definitions[logical] = text
            self.hub.physical[logical] = arn
            self.hub.arns[logical] = arn
        else:
            raise ValueError(f"the harness does not create {kind} ({logical}), which a state machine references")

    def _listen(self, topic_logical: str, topic_arn: str) -> None:
        """One SQS queue per subscription of the topic in the template (with its filter policy),
        or one plain queue when the template subscribes nobody, so every publish is seen."""
        sqs = _client("sqs", self.hub.region)
        sns = _client("sns", self.hub.region)
        subscriptions = [
            self.hub.resource(s)["Properties"]
            for s in self.hub.of_type("AWS::SNS::Subscription")
            if self.hub.resource(s)["Properties"].get("TopicArn") == {"Ref": topic_logical}
        ]
        if not subscriptions:
            subscriptions = [{"Endpoint": "(everything)"}]
        queues = []
        for index, subscription in enumerate(subscriptions):
            url = sqs.create_queue(QueueName=f"harness-{topic_logical}-{index}")["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            attributes = {"RawMessageDelivery": "false"}
            if "FilterPolicy" in subscription:
                attributes["FilterPolicy"] = json.dumps(subscription["FilterPolicy"])
                attributes["FilterPolicyScope"] = subscription.get("FilterPolicyScope", "MessageAttributes")
            sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn, Attributes=attributes)
            queues.append((subscription, url))
        self.hub.topic_queues[topic_logical] = queues

    def build(self) -> Hub:
        for logical in self.hub.of_type("AWS::StepFunctions::StateMachine"):
            self.ref(logical)
        # the hub bucket also serves the runbooks' nodes (stop requests), whether or not a state
        # machine names it
        for logical in self.hub.of_type("AWS::S3::Bucket"):
            self.ref(logical)
        return self.hub


def custom_documents(spoke_template: Path) -> set[str]:
    """Names of the Command documents the spoke template creates in every account and region."""
    template = yaml.safe_load(spoke_template.read_text())
    names = set()
    for resource in template.get("Resources", {}).values():
        if resource["Type"] == "AWS::SSM::Document" and resource["Properties"].get("DocumentType") == "Command":
            name = resource["Properties"].get("Name")
            if isinstance(name, str):
                names.add(name)
    return names


def resource_groups(spoke_template: Path) -> dict[str, dict[str, list[str]]]:
    """Resource groups the spoke creates: name -> tag key -> values (keys ANDed, values ORed)."""
    template = yaml.safe_load(spoke_template.read_text())
    groups = {}
    for resource in template.get("Resources", {}).values():
        if resource["Type"] != "AWS::ResourceGroups::Group":
            continue
        props = resource["Properties"]
        query = props.get("ResourceQuery", {})
        if query.get("Type") != "TAG_FILTERS_1_0":
            continue
        inner = query.get("Query", {})
        if inner.get("ResourceTypeFilters") != ["AWS::EC2::Instance"]:
            continue
        groups[props["Name"]] = {f["Key"]: sorted(f.get("Values", [])) for f in inner.get("TagFilters", [])}
    return groups


def spoke_remediation(spoke_template: Path, custom: set[str]) -> tuple[Runbook, dict] | None:
    """The spoke's Config remediation runbook and its RemediationConfiguration, when it has one."""
    template = yaml.safe_load(spoke_template.read_text())
    resources = template.get("Resources", {})
    configuration = next(
        (r["Properties"] for r in resources.values() if r["Type"] == "AWS::Config::RemediationConfiguration"),
        None,
    )
    if configuration is None:
        return None
    target = configuration.get("TargetId", {})
    logical = target.get("Ref") if isinstance(target, dict) else None
    if logical is None or logical not in resources:
        raise ValueError(f"the remediation's TargetId {target} names no document of the spoke")
    props = resources[logical]["Properties"]
    return Runbook(props["Name"], props["Content"], custom), configuration
