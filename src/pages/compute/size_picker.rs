//! "Virtual machine type" and "Virtual machine size", shared by the instance and cluster
//! wizards: recommended options as cards, or every size in a searchable, sortable table with its
//! cost and the quota left in its family (or, for low-priority cluster nodes, in the region's
//! low-priority pool).
use crate::components::format_price;
use crate::store::use_store;
use azimuth_core::compute::catalogue::{find_vm_size, recommended_sizes, VmKind, VmSize, VM_SIZES};
use azimuth_core::compute::cost::price_per_hour;
use leptos::prelude::*;

/// Where the size comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeSource {
    /// "Select from recommended options".
    Recommended,
    /// "Select from all options".
    All,
}

/// The virtual machine a wizard is choosing.
#[derive(Clone, Copy)]
pub struct VmChoice {
    /// "Virtual machine type".
    pub kind: RwSignal<VmKind>,
    /// Recommended or all sizes.
    pub size_source: RwSignal<SizeSource>,
    /// "Virtual machine size".
    pub size: RwSignal<String>,
}

impl VmChoice {
    /// CPU, with the first recommended size.
    pub fn new() -> Self {
        Self {
            kind: RwSignal::new(VmKind::Cpu),
            size_source: RwSignal::new(SizeSource::Recommended),
            size: RwSignal::new(recommended_sizes(VmKind::Cpu)[0].to_owned()),
        }
    }

    /// Switches CPU/GPU, back to the first recommended size of the kind.
    pub fn set_kind(&self, kind: VmKind) {
        self.kind.set(kind);
        self.size_source.set(SizeSource::Recommended);
        self.size.set(recommended_sizes(kind)[0].to_owned());
    }
}

/// The "Virtual machine type" radios (CPU or GPU), with what cannot change after creation.
#[component]
pub fn VmKindPicker(
    /// The choice being made.
    choice: VmChoice,
    /// "compute instance" or "compute cluster", for the note.
    what: &'static str,
) -> impl IntoView {
    let kind_radio = move |kind: VmKind, label: &'static str, note: &'static str| {
        view! {
            <label class="radio-card">
                <input type="radio" name="vm-kind" prop:checked=move || choice.kind.get() == kind on:change=move |_| choice.set_kind(kind) />
                <span>
                    <strong>{label}</strong>
                    <span class="muted">{note}</span>
                </span>
            </label>
        }
    };
    view! {
        <fieldset class="radio-group radio-group--row">
            <legend>"Virtual machine type"</legend>
            {kind_radio(VmKind::Cpu, "CPU", "General purpose and memory optimized")}
            {kind_radio(VmKind::Gpu, "GPU", "NVIDIA GPUs for deep learning")}
        </fieldset>
        <p class="muted">{format!("The virtual machine type cannot be changed after the {what} is created.")}</p>
    }
}

/// Columns the all-sizes table sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortKey {
    Name,
    Vcpus,
    Memory,
    Cost,
}

/// Sorts a short slice in place, keeping equal items in order.
fn insertion_sort<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && cmp(&items[j - 1], &items[j]) == std::cmp::Ordering::Greater {
            items.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// vCPUs left in a size's family.
fn quota_left(size: &VmSize, usage: &[azimuth_core::QuotaUsage]) -> u32 {
    usage
        .iter()
        .find(|u| u.family == size.family)
        .map_or(0, |u| u.limit.saturating_sub(u.used))
}

/// The size selector.
#[component]
pub fn SizePicker(
    /// The choice being made.
    form: VmChoice,
    /// Low-priority cluster nodes: their price and the low-priority pool's quota.
    #[prop(default = Signal::stored(false), into)]
    low_priority: Signal<bool>,
) -> impl IntoView {
    let store = use_store();
    let usage = Memo::new(move |_| {
        store
            .workspace
            .with(|w| (w.quota_usage(), w.low_priority_usage()))
    });
    let left_for = move |s: &VmSize| {
        usage.with(|(families, pool)| {
            if low_priority.get() {
                pool.limit.saturating_sub(pool.used)
            } else {
                quota_left(s, families)
            }
        })
    };
    let price = move |s: &VmSize| {
        let tier = low_priority.get().then_some("LowPriority");
        let region = store.workspace.with(|w| w.region());
        price_per_hour(s.name, tier, region).map(format_price)
    };
    let quota_note = move || {
        if low_priority.get() {
            "low-priority vCPUs left"
        } else {
            "vCPUs of quota left"
        }
    };
    // Why a size cannot be chosen, shown beside it and given as its radio's description.
    let shortfall = move |s: &VmSize| {
        let left = left_for(s);
        let pool = if low_priority.get() {
            "low-priority quota"
        } else {
            "quota"
        };
        (left < s.vcpus).then(|| {
            format!(
                "Not enough {pool}: {left} vCPU{} left, needs {}",
                if left == 1 { "" } else { "s" },
                s.vcpus
            )
        })
    };
    let reason_id = |s: &VmSize| format!("size-{}-reason", s.name);
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new((SortKey::Cost, true));
    let source_radio = move |source: SizeSource, label: &'static str| {
        view! {
            <label class="radio-inline">
                <input type="radio" name="size-source" prop:checked=move || form.size_source.get() == source on:change=move |_| form.size_source.set(source) />
                {label}
            </label>
        }
    };
    let size_radio = move |s: &'static VmSize| {
        let short = move || left_for(s) < s.vcpus;
        view! {
            <input
                type="radio"
                name="vm-size"
                aria-label=s.name
                aria-describedby=move || short().then(|| reason_id(s))
                prop:checked=move || form.size.get() == s.name
                disabled=short
                on:change=move |_| form.size.set(s.name.to_owned())
            />
        }
    };
    let recommended = move || {
        recommended_sizes(form.kind.get())
            .iter()
            .filter_map(|n| find_vm_size(n))
            .map(|s| {
                let left = left_for(s);
                view! {
                    <label class="radio-card radio-card--size">
                        {size_radio(s)}
                        <span>
                            <strong>{s.name}</strong>
                            <span class="muted">{format!("{} · {}", s.category, s.summary())}</span>
                            <span class="muted">{format!("{} · {left} {}", price(s).unwrap_or_default(), quota_note())}</span>
                            {shortfall(s).map(|why| view! { <span class="size-reason" id=reason_id(s)>{why}</span> })}
                        </span>
                    </label>
                }
            })
            .collect_view()
    };
    let header = move |key: SortKey, label: &'static str| {
        let state = move || match sort.get() {
            (k, true) if k == key => "ascending",
            (k, false) if k == key => "descending",
            _ => "none",
        };
        view! {
            <th scope="col" aria-sort=state>
                <button type="button" class="sort-button" on:click=move |_| sort.update(|(k, asc)| {
                    *asc = if *k == key { !*asc } else { true };
                    *k = key;
                })>
                    {label}
                </button>
            </th>
        }
    };
    let all_rows = move || {
        let query = search.get().to_ascii_lowercase();
        let (key, asc) = sort.get();
        let mut sizes: Vec<&'static VmSize> = VM_SIZES
            .iter()
            .filter(|s| s.kind == form.kind.get())
            .filter(|s| {
                query.is_empty()
                    || s.name.to_ascii_lowercase().contains(&query)
                    || s.category.to_ascii_lowercase().contains(&query)
                    || s.gpu_description.to_ascii_lowercase().contains(&query)
            })
            .collect();
        // An insertion sort: two dozen rows, and std's sort would add about 5 KB brotli to
        // the first load.
        insertion_sort(&mut sizes, |a, b| {
            let ord = match key {
                SortKey::Name => a.name.cmp(b.name),
                SortKey::Vcpus => a.vcpus.cmp(&b.vcpus),
                SortKey::Memory => a.memory_gib.total_cmp(&b.memory_gib),
                SortKey::Cost => a.price_per_hour.total_cmp(&b.price_per_hour),
            };
            if asc {
                ord
            } else {
                ord.reverse()
            }
        });
        sizes
            .into_iter()
            .map(|s| {
                let left = left_for(s);
                // The disk and GPUs go under the name, so the table fits the wizard.
                let details = if s.gpus > 0 {
                    format!("{} GB disk · {}", s.temp_storage_gib, s.gpu_description)
                } else {
                    format!("{} GB disk", s.temp_storage_gib)
                };
                view! {
                    <tr class:row--muted=left < s.vcpus>
                        <td>{size_radio(s)}</td>
                        <td>{s.name}<span class="size-table__details">{details}</span></td>
                        <td class="size-table__wrap">{s.category}</td>
                        <td class="data-table__number">{s.vcpus}</td>
                        <td class="data-table__number">{format!("{} GB", s.memory_text())}</td>
                        <td class="data-table__number">{price(s)}</td>
                        <td class="size-table__wrap" title=move || if low_priority.get() { "Low priority (all families)" } else { s.family }>
                            {match shortfall(s) {
                                Some(why) => view! { <span class="size-reason" id=reason_id(s)>{why}</span> }.into_any(),
                                None => format!("{left} vCPUs").into_any(),
                            }}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="radio-group">
            <legend>"Virtual machine size"</legend>
            <div class="radio-group--row">
                {source_radio(SizeSource::Recommended, "Select from recommended options")}
                {source_radio(SizeSource::All, "Select from all options")}
            </div>
            <Show
                when=move || form.size_source.get() == SizeSource::All
                fallback=move || view! { <div class="size-cards">{recommended}</div> }
            >
                <input
                    type="search"
                    class="field__input"
                    placeholder="Search by name, category or GPU"
                    aria-label="Search virtual machine sizes"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <div class="table-wrap table-wrap--short">
                    <table class="data-table data-table--compact size-table" aria-label="Virtual machine sizes">
                        <thead>
                            <tr>
                                <th scope="col"><span class="visually-hidden">"Select"</span></th>
                                {header(SortKey::Name, "Name")}
                                <th scope="col">"Category"</th>
                                {header(SortKey::Vcpus, "vCPUs")}
                                {header(SortKey::Memory, "RAM")}
                                {header(SortKey::Cost, "Cost/hour")}
                                <th scope="col">"Quota left"</th>
                            </tr>
                        </thead>
                        <tbody>{all_rows}</tbody>
                    </table>
                </div>
            </Show>
            <p class="muted">"Costs are estimates for Linux, pay as you go, in the workspace's region."</p>
        </fieldset>
    }
}
