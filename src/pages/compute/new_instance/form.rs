//! The wizard's form: what the person has entered, the ARM request it becomes, and the problems
//! each step has. Every rule is azimuth-core's; this file only maps fields to it.

use crate::pages::compute::network::{IdentityChoice, NetworkChoice};
use crate::pages::compute::size_picker::VmChoice;
use azimuth_core::compute::request::{
    tag_errors, validate_idle_minutes, validate_ssh_public_key, TagPart,
};
use azimuth_core::compute::schedule::{validate_schedule, WEEK_DAYS};
use azimuth_core::compute::*;
use azimuth_core::time::format_duration_minutes;
use azimuth_core::{ComputeResource, Workspace};
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The wizard's steps, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Name, type and size.
    Required,
    /// Idle shutdown and start/stop schedules.
    Scheduling,
    /// SSH, virtual network, assignment, root access.
    Security,
    /// Tags.
    Tags,
    /// Everything, with the ARM and YAML forms.
    Review,
}

impl Step {
    /// Every step in order.
    pub const ALL: [Step; 5] = [
        Step::Required,
        Step::Scheduling,
        Step::Security,
        Step::Tags,
        Step::Review,
    ];

    /// The steps' titles as the studio shows them, in order.
    pub const TITLES: &'static [&'static str] = &[
        "Required settings",
        "Scheduling",
        "Security",
        "Tags",
        "Review + Create",
    ];

    /// The step's title as the studio shows it.
    pub fn title(self) -> &'static str {
        Self::TITLES[self.index()]
    }

    /// Position in [`Step::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// One start/stop schedule being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleDraft {
    /// Stable id for the list.
    pub id: u32,
    /// `Start` or `Stop`.
    pub action: String,
    /// A cron expression (ARM's Cron trigger) instead of the days and the time, when set.
    pub cron: Option<String>,
    /// Days it fires, Sunday first.
    pub days: [bool; 7],
    /// `HH:MM`.
    pub time: String,
    /// Windows time zone id.
    pub time_zone: String,
}

/// One tag being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct TagDraft {
    /// Stable id for the list.
    pub id: u32,
    /// Name.
    pub key: String,
    /// Value.
    pub value: String,
}

/// Everything the wizard collects.
#[derive(Clone, Copy)]
pub struct InstanceForm {
    /// "Compute name".
    pub name: RwSignal<String>,
    /// "Virtual machine type" and "Virtual machine size".
    pub vm: VmChoice,
    /// "Enable idle shutdown".
    pub idle_enabled: RwSignal<bool>,
    /// Idle minutes as typed.
    pub idle_minutes: RwSignal<String>,
    /// Start/stop schedules.
    pub schedules: RwSignal<Vec<ScheduleDraft>>,
    /// "Enable SSH access".
    pub ssh_enabled: RwSignal<bool>,
    /// True: "Set up an SSH key later"; false: "Use existing public key".
    pub ssh_key_later: RwSignal<bool>,
    /// The SSH public key.
    pub ssh_key: RwSignal<String>,
    /// "Enable virtual network" and "No public IP".
    pub network: NetworkChoice,
    /// "Assign a managed identity".
    pub identity: IdentityChoice,
    /// "Assign to another user".
    pub assign_enabled: RwSignal<bool>,
    /// The member to assign to.
    pub assignee: RwSignal<String>,
    /// "Enable root access".
    pub root_access: RwSignal<bool>,
    /// Tags.
    pub tags: RwSignal<Vec<TagDraft>>,
    /// Next id for list items.
    pub next_id: RwSignal<u32>,
    /// Whether the person has seen Review + Create (from then on, every problem is shown).
    pub review_seen: RwSignal<bool>,
}

impl InstanceForm {
    /// A new form with the studio's defaults (CPU, Standard_DS11_v2, idle shutdown after 60 minutes).
    pub fn new(resource_group: &str) -> Self {
        Self {
            name: RwSignal::new(String::new()),
            vm: VmChoice::new(),
            idle_enabled: RwSignal::new(true),
            idle_minutes: RwSignal::new("60".into()),
            schedules: RwSignal::new(Vec::new()),
            ssh_enabled: RwSignal::new(false),
            ssh_key_later: RwSignal::new(false),
            ssh_key: RwSignal::new(String::new()),
            network: NetworkChoice::new(resource_group),
            identity: IdentityChoice::new(),
            assign_enabled: RwSignal::new(false),
            assignee: RwSignal::new(String::new()),
            root_access: RwSignal::new(true),
            tags: RwSignal::new(Vec::new()),
            next_id: RwSignal::new(1),
            review_seen: RwSignal::new(false),
        }
    }

    /// A fresh id for a list item.
    pub fn take_id(&self) -> u32 {
        let id = self.next_id.get_untracked();
        self.next_id.set(id + 1);
        id
    }

    /// The error under "Compute name", if any (reactive).
    pub fn name_error(&self, ws: &Workspace) -> Option<String> {
        ws.check_new_name(&self.name.get())
            .err()
            .map(|e| e.to_string())
    }

    /// The error under the idle minutes field, if any (reactive).
    pub fn idle_error(&self) -> Option<String> {
        if !self.idle_enabled.get() {
            return None;
        }
        match self.idle_minutes.get().trim().parse::<u32>() {
            Ok(m) => validate_idle_minutes(m).err(),
            Err(_) => {
                Some("Enter the idle time in whole minutes, from 15 to 4320 (3 days).".into())
            }
        }
    }

    /// The error under the SSH key, if any (reactive).
    pub fn ssh_error(&self) -> Option<String> {
        (self.ssh_enabled.get() && !self.ssh_key_later.get())
            .then(|| validate_ssh_public_key(self.ssh_key.get().trim()).err())
            .flatten()
    }

    /// The error under the user picker, if any (reactive).
    pub fn assignee_error(&self) -> Option<String> {
        (self.assign_enabled.get() && self.assignee.get().is_empty())
            .then(|| "Choose the member to assign this compute instance to.".into())
    }

    /// The error of one schedule, if any.
    pub fn schedule_error(s: &ScheduleDraft) -> Option<String> {
        if s.cron.is_some() {
            return validate_schedule(&schedule_request(s)).err();
        }
        if !s.days.iter().any(|d| *d) {
            return Some("Choose at least one day.".into());
        }
        parse_time(&s.time)
            .is_none()
            .then(|| "Enter a time as HH:MM, e.g. 18:00.".into())
    }

    /// Every problem of one tag row, each with the part it is in; empty rows are ignored.
    pub fn tag_errors(tags: &[TagDraft], t: &TagDraft) -> Vec<(TagPart, String)> {
        if t.key.is_empty() && t.value.is_empty() {
            return Vec::new();
        }
        let mut errors = Vec::new();
        let same_name = tags
            .iter()
            .filter(|o| o.key.eq_ignore_ascii_case(&t.key))
            .count();
        if same_name > 1 && !t.key.trim().is_empty() {
            errors.push((
                TagPart::Name,
                format!(
                    "The tag name '{}' is used twice (tag names ignore case).",
                    t.key
                ),
            ));
        }
        errors.extend(tag_errors(&t.key, &t.value));
        errors
    }

    /// Every problem of a step, for the step list and the review (reactive).
    pub fn step_errors(&self, step: Step, ws: &Workspace) -> Vec<String> {
        let mut out = Vec::new();
        match step {
            Step::Required => out.extend(self.name_error(ws)),
            Step::Scheduling => {
                out.extend(self.idle_error());
                let schedules = self.schedules.get();
                let numbered = schedules.iter().enumerate().filter_map(|(i, d)| {
                    Self::schedule_error(d).map(|e| format!("Schedule {}: {e}", i + 1))
                });
                out.extend(numbered);
            }
            Step::Security => {
                out.extend(self.ssh_error());
                out.extend(self.network.errors().into_iter().flatten());
                out.extend(self.assignee_error());
            }
            Step::Tags => {
                let tags = self.tags.get();
                let numbered = tags.iter().enumerate().flat_map(|(i, t)| {
                    Self::tag_errors(&tags, t)
                        .into_iter()
                        .map(move |(_, e)| format!("Tag {}: {e}", i + 1))
                });
                out.extend(numbered);
            }
            Step::Review => {}
        }
        out
    }

    /// The ARM request body the form describes (reactive).
    pub fn request(&self, ws: &Workspace, me: &str) -> ComputeResource {
        let assigned = if self.assign_enabled.get() {
            self.assignee.get()
        } else {
            me.to_owned()
        };
        let assigned_user = ws.member(&assigned).map(|m| PersonalSettings {
            assigned_user: AssignedUser {
                object_id: m.object_id.clone(),
                tenant_id: ws.tenant_id.clone(),
            },
        });
        let subnet = self.network.subnet_id(&ws.subscription_id);
        let schedules = self.schedules.get();
        let ssh_on = self.ssh_enabled.get();
        ComputeResource {
            location: Some(ws.resource.location.clone()),
            identity: self.identity.identity(),
            tags: self
                .tags
                .get()
                .into_iter()
                .filter(|t| !t.key.is_empty())
                .map(|t| (t.key, t.value))
                .collect::<BTreeMap<_, _>>(),
            properties: Compute {
                compute_type: "ComputeInstance".into(),
                properties: ComputeProperties {
                    vm_size: self.vm.size.get(),
                    subnet,
                    application_sharing_policy: Some("Personal".into()),
                    ssh_settings: Some(SshSettings {
                        ssh_public_access: if ssh_on { "Enabled" } else { "Disabled" }.into(),
                        admin_public_key: (ssh_on && !self.ssh_key_later.get())
                            .then(|| self.ssh_key.get().trim().to_owned()),
                        ..Default::default()
                    }),
                    enable_node_public_ip: Some(self.network.public_ip()),
                    enable_root_access: Some(self.root_access.get()),
                    personal_compute_instance_settings: assigned_user,
                    idle_time_before_shutdown: self
                        .idle_enabled
                        .get()
                        .then(|| {
                            self.idle_minutes
                                .get()
                                .trim()
                                .parse::<u32>()
                                .ok()
                                .map(format_duration_minutes)
                        })
                        .flatten(),
                    schedules: (!schedules.is_empty()).then(|| ComputeSchedules {
                        compute_start_stop: schedules.iter().map(schedule_request).collect(),
                    }),
                    ..Default::default()
                },
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// `HH:MM` as (hours, minutes).
pub fn parse_time(text: &str) -> Option<(u32, u32)> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some((h, m))
}

/// The ARM schedule a draft becomes.
pub fn schedule_request(s: &ScheduleDraft) -> StartStopSchedule {
    if let Some(expression) = &s.cron {
        return StartStopSchedule {
            status: "Enabled".into(),
            action: s.action.clone(),
            trigger_type: "Cron".into(),
            cron: Some(Cron {
                expression: expression.trim().to_owned(),
                start_time: None,
                time_zone: s.time_zone.clone(),
            }),
            ..Default::default()
        };
    }
    let (h, m) = parse_time(&s.time).unwrap_or((0, 0));
    StartStopSchedule {
        status: "Enabled".into(),
        action: s.action.clone(),
        trigger_type: "Recurrence".into(),
        recurrence: Some(Recurrence {
            frequency: "Week".into(),
            interval: 1,
            start_time: None,
            time_zone: s.time_zone.clone(),
            schedule: RecurrenceSchedule {
                hours: vec![h],
                minutes: vec![m],
                week_days: WEEK_DAYS
                    .iter()
                    .zip(s.days)
                    .filter(|(_, on)| *on)
                    .map(|(d, _)| d.to_string())
                    .collect(),
            },
        }),
        ..Default::default()
    }
}
