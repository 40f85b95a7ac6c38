// The AWS regions known to this build, one row each, with what patchform needs to know of them.

/// A region this build knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KnownRegion {
    /// The region code, such as `eu-west-1`.
    pub code: &'static str,
    /// Whether the region offers the Bedrock runtime (InvokeModel).
    pub bedrock: bool,
}

/// AWS regions known to this build (commercial, GovCloud and China partitions), by code.
pub(crate) const KNOWN_REGIONS: &[KnownRegion] = &[
    KnownRegion {
        code: "af-south-1",
        bedrock: false,
    },
    KnownRegion {
        code: "ap-east-1",
        bedrock: false,
    },
    KnownRegion {
        code: "ap-east-2",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-northeast-1",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-northeast-2",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-northeast-3",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-south-1",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-south-2",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-southeast-1",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-southeast-2",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-southeast-3",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-southeast-4",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-southeast-5",
        bedrock: true,
    },
    KnownRegion {
        code: "ap-southeast-6",
        bedrock: false,
    },
    KnownRegion {
        code: "ap-southeast-7",
        bedrock: true,
    },
    KnownRegion {
        code: "ca-central-1",
        bedrock: true,
    },
    KnownRegion {
        code: "ca-west-1",
        bedrock: true,
    },
    KnownRegion {
        code: "cn-north-1",
        bedrock: false,
    },
    KnownRegion {
        code: "cn-northwest-1",
        bedrock: false,
    },
    KnownRegion {
        code: "eu-central-1",
        bedrock: true,
    },
    KnownRegion {
        code: "eu-central-2",
        bedrock: true,
    },
    KnownRegion {
        code: "eu-north-1",
        bedrock: true,
    },
    KnownRegion {
        code: "eu-south-1",
        bedrock: true,
    },
    KnownRegion {
        code: "eu-south-2",
        bedrock: true,
    },
    KnownRegion {
        code: "eu-west-1",
        bedrock: true,
    },
    KnownRegion {
        code: "eu-west-2",
        bedrock: true,
    },
    KnownRegion {
        code: "eu-west-3",
        bedrock: true,
    },
    KnownRegion {
        code: "il-central-1",
        bedrock: true,
    },
    KnownRegion {
        code: "me-central-1",
        bedrock: true,
    },
    KnownRegion {
        code: "me-south-1",
        bedrock: true,
    },
    KnownRegion {
        code: "mx-central-1",
        bedrock: false,
    },
    KnownRegion {
        code: "sa-east-1",
        bedrock: true,
    },
    KnownRegion {
        code: "us-east-1",
        bedrock: true,
    },
    KnownRegion {
        code: "us-east-2",
        bedrock: true,
    },
    KnownRegion {
        code: "us-gov-east-1",
        bedrock: true,
    },
    KnownRegion {
        code: "us-gov-west-1",
        bedrock: true,
    },
    KnownRegion {
        code: "us-west-1",
        bedrock: true,
    },
    KnownRegion {
        code: "us-west-2",
        bedrock: true,
    },
];

/// The codes of the known regions, in table order.
pub(crate) fn codes() -> impl Iterator<Item = &'static str> {
    KNOWN_REGIONS.iter().map(|region| region.code)
}

/// Whether this build knows the region.
pub(crate) fn is_known(code: &str) -> bool {
    codes().any(|known| known == code)
}

/// Whether the region offers the Bedrock runtime.
pub(crate) fn offers_bedrock(code: &str) -> bool {
    KNOWN_REGIONS
        .iter()
        .any(|region| region.code == code && region.bedrock)
}
