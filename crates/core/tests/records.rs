//! The installation kept as one record per resource: a change writes only what it touched, the
//! records read back into the same installation (computes oldest first), and a damaged, foreign
//! or newer record is named.

use azimuth_core::workspace::records::{writes, RecordWrite, Records, Shelf, DIRECTORY_KEY};
use azimuth_core::workspace::seed::{EXAMPLE_TENANT, LAB_GROUP};
use azimuth_core::workspace::snapshot::SnapshotError;
use azimuth_core::workspace::Tenant;
use azimuth_core::{ComputeResource, Pace};
use serde_json::json;
use std::collections::BTreeMap;

const ADA: &str = "Ada Lovelace";
const T0: i64 = 1_800_000_000_000;

/// A store of records in memory, as IndexedDB keeps them (each shelf in key order).
#[derive(Default)]
struct Shelves(BTreeMap<(&'static str, String), String>);

impl Shelves {
    fn apply(&mut self, writes: &[RecordWrite]) {
        for w in writes {
            match w {
                RecordWrite::Put { shelf, key, body } => {
                    self.0.insert((shelf.name(), key.clone()), body.clone());
                }
                RecordWrite::Delete { shelf, key } => {
                    assert!(
                        self.0.remove(&(shelf.name(), key.clone())).is_some(),
                        "{key} was deleted but never saved"
                    );
                }
            }
        }
    }

    fn records(&self) -> Records {
        let shelf = |s: Shelf| {
            self.0
                .iter()
                .filter(|((name, _), _)| *name == s.name())
                .map(|((_, k), v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        Records {
            directory: shelf(Shelf::Directory).pop().map(|(_, v)| v),
            workspaces: shelf(Shelf::Workspaces),
            computes: shelf(Shelf::Computes),
            assets: shelf(Shelf::Assets),
        }
    }
}

fn instance() -> ComputeResource {
    serde_json::from_value(json!({"properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "Standard_DS11_v2"}}})).unwrap()
}

fn seeded() -> Tenant {
    let mut t = Tenant::seed(T0, EXAMPLE_TENANT, None);
    t.directory.pace = Pace::Instant;
    for ws in &mut t.workspaces {
        ws.settings.pace = Pace::Instant;
    }
    t
}

/// The installation the shelves hold.
fn before_settle(shelves: &Shelves) -> Tenant {
    shelves.records().assemble().unwrap().unwrap()
}

fn touched(writes: &[RecordWrite]) -> Vec<(&'static str, bool)> {
    writes
        .iter()
        .map(|w| match w {
            RecordWrite::Put { shelf, .. } => (shelf.name(), true),
            RecordWrite::Delete { shelf, .. } => (shelf.name(), false),
        })
        .collect()
}

#[test]
fn a_change_writes_only_the_records_it_touched_and_they_read_back_the_same() {
    let mut t = seeded();
    let lab = t.workspaces[0].id().to_owned();
    let mut shelves = Shelves::default();
    shelves.apply(&writes(None, &t));
    assert_eq!(shelves.records().assemble().unwrap().as_ref(), Some(&t));

    // Computes created at different instants, names out of alphabetical order.
    for (i, name) in ["ci-zeta", "ci-alpha", "ci-mid"].iter().enumerate() {
        let at = T0 + 1000 * i as i64;
        // What was in flight finishes first, so the change is the create alone.
        t.settle(at);
        shelves.apply(&writes(Some(&before_settle(&shelves)), &t));
        let before = t.clone();
        t.create_compute(&lab, ADA, name, instance(), at).unwrap();
        let w = writes(Some(&before), &t);
        assert!(
            touched(&w)
                .iter()
                .all(|(shelf, put)| *put && *shelf != "directory"),
            "{w:?}"
        );
        assert_eq!(
            w.iter()
                .filter(|x| matches!(
                    x,
                    RecordWrite::Put {
                        shelf: Shelf::Computes,
                        ..
                    }
                ))
                .count(),
            1,
            "only the new compute: {w:?}"
        );
        shelves.apply(&w);
    }
    let back = shelves.records().assemble().unwrap().unwrap();
    assert_eq!(back, t);
    let names: Vec<_> = back.workspaces[0]
        .computes
        .iter()
        .map(|c| c.resource.name.as_str())
        .collect();
    assert_eq!(names, ["ci-zeta", "ci-alpha", "ci-mid"], "oldest first");

    // Nothing changed: nothing written.
    assert!(writes(Some(&t), &t).is_empty());

    // A delete removes its record; the same name created again is a new record.
    let before = t.clone();
    t.workspace_mut(&lab)
        .unwrap()
        .delete(ADA, "ci-alpha", T0 + 5000)
        .unwrap();
    t.settle(T0 + 5000);
    shelves.apply(&writes(Some(&before), &t));
    let before = t.clone();
    t.create_compute(&lab, ADA, "ci-alpha", instance(), T0 + 9000)
        .unwrap();
    shelves.apply(&writes(Some(&before), &t));
    assert_eq!(shelves.records().assemble().unwrap().unwrap(), t);
    assert_eq!(shelves.records().computes.len(), 3);
}

#[test]
fn a_purged_workspace_leaves_no_record_and_the_directory_is_written_when_it_changes() {
    let mut t = seeded();
    let mut shelves = Shelves::default();
    shelves.apply(&writes(None, &t));
    let before = t.clone();
    let body = serde_json::from_value(json!({"location": "westeurope"})).unwrap();
    t.put_workspace(ADA, LAB_GROUP, "mlw-second", body, None, T0)
        .unwrap();
    let second = t.workspaces[1].id().to_owned();
    let w = writes(Some(&before), &t);
    assert!(
        touched(&w).contains(&("directory", true)),
        "its Owner role: {w:?}"
    );
    shelves.apply(&w);
    let before = t.clone();
    t.create_compute(&second, ADA, "ci-second", instance(), T0 + 1)
        .unwrap();
    shelves.apply(&writes(Some(&before), &t));
    let before = t.clone();
    t.delete_workspace(ADA, &second, true, T0 + 2).unwrap();
    shelves.apply(&writes(Some(&before), &t));
    let records = shelves.records();
    assert_eq!(records.workspaces.len(), 1);
    assert!(records.computes.is_empty());
    assert_eq!(records.assemble().unwrap().unwrap(), t);
}

#[test]
fn damaged_foreign_and_newer_records_are_named_and_nothing_is_guessed() {
    let t = seeded();
    let mut shelves = Shelves::default();
    shelves.apply(&writes(None, &t));
    assert_eq!(Records::default().assemble(), Ok(None), "nothing saved");

    let mut records = shelves.records();
    records.directory = Some(r#"{"theme":"dark"}"#.into());
    assert_eq!(records.assemble(), Err(SnapshotError::Foreign));

    records.directory = Some(r#"{"format":"azimuth-workspace","version":7,"directory":{}}"#.into());
    assert_eq!(records.assemble(), Err(SnapshotError::Newer(7)));

    let mut records = shelves.records();
    records.directory = None;
    assert!(
        matches!(records.assemble(), Err(SnapshotError::Invalid(e)) if e.contains("directory record is missing"))
    );

    let mut records = shelves.records();
    records.workspaces[0].1.truncate(20);
    let e = records.assemble().unwrap_err().to_string();
    assert!(
        e.contains("workspace record") && e.contains("damaged"),
        "{e}"
    );

    let mut records = shelves.records();
    records
        .computes
        .push(("/subscriptions/x/nowhere|2026|ci-lost".into(), "{}".into()));
    let e = records.assemble().unwrap_err().to_string();
    assert!(e.contains("belongs to no workspace"), "{e}");

    // The dump keeps every record exactly as read.
    let dump = shelves.records().dump();
    assert!(dump.contains(DIRECTORY_KEY) || dump.contains("azimuth-workspace"));
}
