//! The catalogue of Azure regions and virtual machine sizes Azimuth offers, with quota families
//! and estimated prices (Linux, pay as you go, USD per hour; estimates, not quotes).

/// An Azure region a workspace can live in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Region {
    /// ARM name, e.g. `eastus`.
    pub name: &'static str,
    /// Display name, e.g. `East US`.
    pub display_name: &'static str,
    /// Price relative to East US.
    pub price_factor: f64,
}

/// The regions Azimuth knows.
pub const REGIONS: &[Region] = &[
    region("eastus", "East US", 1.0),
    region("eastus2", "East US 2", 1.0),
    region("westus2", "West US 2", 1.0),
    region("westus3", "West US 3", 1.0),
    region("centralus", "Central US", 1.05),
    region("canadacentral", "Canada Central", 1.1),
    region("northeurope", "North Europe", 1.08),
    region("westeurope", "West Europe", 1.12),
    region("uksouth", "UK South", 1.12),
    region("southeastasia", "Southeast Asia", 1.15),
    region("japaneast", "Japan East", 1.2),
    region("australiaeast", "Australia East", 1.2),
];

const fn region(name: &'static str, display_name: &'static str, price_factor: f64) -> Region {
    Region {
        name,
        display_name,
        price_factor,
    }
}

/// Looks a region up by its ARM name, ignoring case.
pub fn find_region(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name.eq_ignore_ascii_case(name))
}

/// Whether a size is for general (CPU) or accelerated (GPU) work: the wizard's "Virtual machine type".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VmKind {
    /// General purpose and memory optimized sizes.
    Cpu,
    /// Sizes with NVIDIA GPUs.
    Gpu,
}

/// A virtual machine size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VmSize {
    /// ARM name, e.g. `Standard_DS11_v2`.
    pub name: &'static str,
    /// Quota family, e.g. `standardDSv2Family`.
    pub family: &'static str,
    /// CPU or GPU.
    pub kind: VmKind,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Memory in GiB.
    pub memory_gib: f64,
    /// Temporary storage in GiB.
    pub temp_storage_gib: u32,
    /// Number of GPUs (0 for CPU sizes).
    pub gpus: u32,
    /// What the GPUs are, e.g. `1 x NVIDIA Tesla T4`.
    pub gpu_description: &'static str,
    /// Estimated Linux price in East US, USD per hour.
    pub price_per_hour: f64,
    /// The studio's short description of the size's purpose.
    pub category: &'static str,
}

const DSV2: &str = "standardDSv2Family";

#[allow(clippy::too_many_arguments)]
const fn size(
    name: &'static str,
    family: &'static str,
    kind: VmKind,
    vcpus: u32,
    memory_gib: f64,
    temp_storage_gib: u32,
    gpus: u32,
    gpu_description: &'static str,
    price_per_hour: f64,
    category: &'static str,
) -> VmSize {
    VmSize {
        name,
        family,
        kind,
        vcpus,
        memory_gib,
        temp_storage_gib,
        gpus,
        gpu_description,
        price_per_hour,
        category,
    }
}

use VmKind::{Cpu, Gpu};

/// Every size Azimuth offers: name, family, kind, vCPUs, GiB RAM, GiB temporary storage, GPUs,
/// GPU description, estimated $/hour in East US, category.
#[rustfmt::skip]
pub const VM_SIZES: &[VmSize] = &[
    size("Standard_DS1_v2", DSV2, Cpu, 1, 3.5, 7, 0, "", 0.073, "General purpose"),
    size("Standard_DS2_v2", DSV2, Cpu, 2, 7.0, 14, 0, "", 0.146, "General purpose"),
    size("Standard_DS3_v2", DSV2, Cpu, 4, 14.0, 28, 0, "", 0.293, "General purpose"),
    size("Standard_DS4_v2", DSV2, Cpu, 8, 28.0, 56, 0, "", 0.585, "General purpose"),
    size("Standard_DS5_v2", DSV2, Cpu, 16, 56.0, 112, 0, "", 1.17, "General purpose"),
    size("Standard_DS11_v2", DSV2, Cpu, 2, 14.0, 28, 0, "", 0.185, "Memory optimized"),
    size("Standard_DS12_v2", DSV2, Cpu, 4, 28.0, 56, 0, "", 0.371, "Memory optimized"),
    size("Standard_DS13_v2", DSV2, Cpu, 8, 56.0, 112, 0, "", 0.741, "Memory optimized"),
    size("Standard_DS14_v2", DSV2, Cpu, 16, 112.0, 224, 0, "", 1.482, "Memory optimized"),
    size("Standard_E4ds_v4", "standardEDSv4Family", Cpu, 4, 32.0, 150, 0, "", 0.288, "Memory optimized"),
    size("Standard_E8ds_v4", "standardEDSv4Family", Cpu, 8, 64.0, 300, 0, "", 0.576, "Memory optimized"),
    size("Standard_F4s_v2", "standardFSv2Family", Cpu, 4, 8.0, 32, 0, "", 0.169, "Compute optimized"),
    size("Standard_F8s_v2", "standardFSv2Family", Cpu, 8, 16.0, 64, 0, "", 0.338, "Compute optimized"),
    size("Standard_F16s_v2", "standardFSv2Family", Cpu, 16, 32.0, 128, 0, "", 0.677, "Compute optimized"),
    size("Standard_NC4as_T4_v3", "standardNCASv3_T4Family", Gpu, 4, 28.0, 180, 1, "1 x NVIDIA Tesla T4", 0.526, "GPU"),
    size("Standard_NC8as_T4_v3", "standardNCASv3_T4Family", Gpu, 8, 56.0, 360, 1, "1 x NVIDIA Tesla T4", 0.752, "GPU"),
    size("Standard_NC16as_T4_v3", "standardNCASv3_T4Family", Gpu, 16, 110.0, 360, 1, "1 x NVIDIA Tesla T4", 1.204, "GPU"),
    size("Standard_NC64as_T4_v3", "standardNCASv3_T4Family", Gpu, 64, 440.0, 2880, 4, "4 x NVIDIA Tesla T4", 4.352, "GPU"),
    size("Standard_NC6s_v3", "standardNCSv3Family", Gpu, 6, 112.0, 736, 1, "1 x NVIDIA Tesla V100", 3.06, "GPU"),
    size("Standard_NC12s_v3", "standardNCSv3Family", Gpu, 12, 224.0, 1474, 2, "2 x NVIDIA Tesla V100", 6.12, "GPU"),
    size("Standard_NC24s_v3", "standardNCSv3Family", Gpu, 24, 448.0, 2948, 4, "4 x NVIDIA Tesla V100", 13.46, "GPU"),
    size("Standard_NC24ads_A100_v4", "standardNCADSA100v4Family", Gpu, 24, 220.0, 64, 1, "1 x NVIDIA A100 80GB", 3.67, "GPU"),
    size("Standard_NV6ads_A10_v5", "standardNVADSA10v5Family", Gpu, 6, 55.0, 180, 1, "1/6 x NVIDIA A10", 0.454, "GPU"),
    size("Standard_NV36ads_A10_v5", "standardNVADSA10v5Family", Gpu, 36, 440.0, 720, 1, "1 x NVIDIA A10", 3.2, "GPU"),
];

/// The wizard's "Select from recommended options" sizes for a kind of machine.
pub fn recommended_sizes(kind: VmKind) -> &'static [&'static str] {
    match kind {
        Cpu => &["Standard_DS11_v2", "Standard_DS3_v2"],
        Gpu => &["Standard_NC4as_T4_v3"],
    }
}

/// Looks a size up by name, ignoring case (ARM examples write `STANDARD_DS11_V2`).
pub fn find_vm_size(name: &str) -> Option<&'static VmSize> {
    VM_SIZES.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

impl VmSize {
    /// Estimated price per hour in a region.
    pub fn price_in(&self, region: &Region) -> f64 {
        self.price_per_hour * region.price_factor
    }

    /// Memory in GiB as text, e.g. `3.5` or `14` (integer arithmetic: float formatting would add
    /// kilobytes to the wasm for this one use).
    pub fn memory_text(&self) -> String {
        let tenths = (self.memory_gib * 10.0).round() as u64;
        match tenths % 10 {
            0 => (tenths / 10).to_string(),
            f => format!("{}.{f}", tenths / 10),
        }
    }

    /// A human summary such as `2 cores, 14 GB RAM, 28 GB disk`.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} cores, {} GB RAM, {} GB disk",
            self.vcpus,
            self.memory_text(),
            self.temp_storage_gib
        );
        if self.gpus > 0 {
            text.push_str(", ");
            text.push_str(self.gpu_description);
        }
        text
    }
}

/// The default vCPU quota of a family: 24 for CPU families, 6 for GPU families.
pub fn default_quota(kind: VmKind) -> u32 {
    match kind {
        Cpu => 24,
        Gpu => 6,
    }
}

/// The kind (CPU or GPU) of a quota family, from the sizes that belong to it.
pub fn family_kind(family: &str) -> VmKind {
    VM_SIZES
        .iter()
        .find(|s| s.family == family)
        .map_or(Cpu, |s| s.kind)
}

/// Every quota family, in catalogue order, once each.
pub fn families() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in VM_SIZES {
        if !out.contains(&s.family) {
            out.push(s.family);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_big_enough_and_consistent() {
        assert!(REGIONS.len() >= 8);
        assert!(VM_SIZES.iter().filter(|s| s.kind == Cpu).count() >= 12);
        assert!(VM_SIZES.iter().filter(|s| s.kind == Gpu).count() >= 6);
        for s in VM_SIZES {
            assert_eq!(s.kind == Gpu, s.gpus > 0, "{}", s.name);
            assert!(s.price_per_hour > 0.0 && s.vcpus > 0);
        }
        for kind in [Cpu, Gpu] {
            for name in recommended_sizes(kind) {
                assert_eq!(find_vm_size(name).unwrap().kind, kind);
            }
        }
    }

    #[test]
    fn lookups_ignore_case() {
        assert_eq!(find_vm_size("STANDARD_DS11_V2").unwrap().vcpus, 2);
        assert_eq!(find_region("EastUS").unwrap().display_name, "East US");
        assert_eq!(family_kind("standardNCSv3Family"), Gpu);
        assert_eq!(default_quota(family_kind(DSV2)), 24);
    }
}
