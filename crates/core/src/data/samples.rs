//! Sample data sets for labs, made here from a fixed seed (never copied from elsewhere): the same
//! bytes on every machine, so a lab's steps and its numbers read the same for everyone.
//!
//! - `diabetes`: 1,000 patients of a diabetes screening, the columns of the Microsoft Learn
//!   labs' table, `Diabetic` (0 or 1) to predict: a classification table. Whether a patient is
//!   diabetic follows a risk score of glucose, BMI, age, pregnancies and pedigree, with noise, so
//!   a model can learn it but not perfectly.
//! - `bike-rentals`: two years of daily bike rentals with the day, season, weather, temperature,
//!   humidity and wind, `rentals` to predict: a regression table.
//!
//! Everything is whole-number arithmetic (values with decimals are written from tenths or
//! thousandths), which keeps float formatting out of the studio's wasm.

/// A sample data set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Its name: the data asset's, and its file's (`<name>.csv`).
    pub name: &'static str,
    /// What it is, in a few words.
    pub title: &'static str,
    /// What a model learns from it.
    pub task: &'static str,
    /// The column to predict.
    pub label: &'static str,
}

/// The sample data sets.
pub const SAMPLES: [Sample; 2] = [
    Sample {
        name: "diabetes",
        title: "Diabetes screening: 1,000 patients",
        task: "Classification",
        label: "Diabetic",
    },
    Sample {
        name: "bike-rentals",
        title: "Daily bike rentals: two years",
        task: "Regression",
        label: "rentals",
    },
];

/// A small, fast, seeded generator (SplitMix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number from `low` to `high`.
    fn between(&mut self, low: i64, high: i64) -> i64 {
        low + (self.next() % (high - low + 1) as u64) as i64
    }

    /// About normally distributed around `mean` with spread `spread` (the sum of four uniform
    /// draws), kept within `low..=high`.
    fn around(&mut self, mean: i64, spread: i64, low: i64, high: i64) -> i64 {
        let sum: i64 = (0..4).map(|_| self.between(-spread, spread)).sum();
        (mean + sum / 2).clamp(low, high)
    }
}

/// A number of tenths (or hundredths, thousandths: `places`) as text: 336 → `33.6`.
fn decimal(value: i64, places: u32) -> String {
    let scale = 10i64.pow(places);
    let sign = if value < 0 { "-" } else { "" };
    let v = value.abs();
    format!(
        "{sign}{}.{:0width$}",
        v / scale,
        v % scale,
        width = places as usize
    )
}

fn diabetes() -> String {
    let mut r = Random(0xd1ab_e7e5);
    let mut out = String::from("PatientID,Pregnancies,PlasmaGlucose,DiastolicBloodPressure,TricepsThickness,SerumInsulin,BMI,DiabetesPedigree,Age,Diabetic\n");
    for i in 0..1_000 {
        let age = r.around(35, 14, 21, 77);
        let pregnancies = r.around((age - 18) / 5, 3, 0, 14);
        let glucose = r.around(110, 40, 44, 192);
        let pressure = r.around(72, 22, 24, 117);
        let triceps = r.around(28, 20, 7, 92);
        let insulin = r.around(150, 140, 14, 796);
        let bmi = r.around(320, 90, 182, 560);
        let pedigree = r.around(480, 400, 78, 2_300);
        // The risk score, in thousandths: glucose weighs most, then BMI, age and pedigree.
        let score = (glucose - 110) * 28
            + (bmi - 320) * 7
            + (age - 35) * 25
            + pregnancies * 40
            + (pedigree - 480) * 2;
        let diabetic = i64::from(score + r.around(0, 1_400, -4_000, 4_000) > 600);
        out.push_str(&format!(
            "{},{pregnancies},{glucose},{pressure},{triceps},{insulin},{},{},{age},{diabetic}\n",
            1_000_000 + i * 17 + r.between(0, 16),
            decimal(bmi, 1),
            decimal(pedigree, 3),
        ));
    }
    out
}

fn bike_rentals() -> String {
    let mut r = Random(0xb1ce_2e47);
    let mut out = String::from(
        "day,mnth,year,season,holiday,weekday,workingday,weathersit,temp,hum,windspeed,rentals\n",
    );
    let days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut weekday = 6;
    for year in 0..2 {
        for (m, &count) in days.iter().enumerate() {
            for day in 1..=count {
                let month = m as i64 + 1;
                let season = [4, 4, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4][m];
                let holiday = i64::from(r.between(0, 40) == 0);
                let working = i64::from(!(weekday == 0 || weekday == 6) && holiday == 0);
                let weather = [1, 1, 1, 1, 2, 2, 3][r.between(0, 6) as usize];
                // Temperature in thousandths of the year's range: warmest in July.
                let warmth = 800 - (month - 7).abs() * 110;
                let temp = r.around(warmth, 90, 60, 860);
                let hum = r.around(600 + weather * 60, 120, 200, 970);
                let wind = r.around(190, 90, 20, 500);
                let rentals = (1_200 + temp * 6 + year * 1_500 + working * 300
                    - weather * 700
                    - (hum - 600) * 2
                    - wind * 3
                    + r.around(0, 500, -900, 900))
                .max(22);
                out.push_str(&format!(
                    "{day},{month},{year},{season},{holiday},{weekday},{working},{weather},{},{},{},{rentals}\n",
                    decimal(temp, 3),
                    decimal(hum, 3),
                    decimal(wind, 3)
                ));
                weekday = (weekday + 1) % 7;
            }
        }
    }
    out
}

/// A sample's CSV, or `None` for a name that is no sample.
pub fn sample_csv(name: &str) -> Option<String> {
    match name {
        "diabetes" => Some(diabetes()),
        "bike-rentals" => Some(bike_rentals()),
        _ => None,
    }
}

/// The `MLTable` file of a folder holding one CSV file named `file` (the table an automated ML
/// job reads).
pub fn mltable_for_csv(file: &str) -> String {
    format!("$schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json\ntype: mltable\npaths:\n  - file: ./{file}\ntransformations:\n  - read_delimited:\n      delimiter: ','\n      encoding: utf8\n      header: all_files_same_headers\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::preview::{preview, Format};

    #[test]
    fn samples_are_the_same_every_time_and_read_as_tables() {
        for sample in SAMPLES {
            let csv = sample_csv(sample.name).unwrap();
            assert_eq!(csv, sample_csv(sample.name).unwrap(), "seeded");
            let format = Format::Delimited {
                delimiter: b',',
                header: true,
            };
            let table = preview(csv.as_bytes(), true, format, 2_000).unwrap();
            assert!(table.columns.contains(&sample.label.to_owned()));
            assert!(table.rows.iter().all(|r| r.len() == table.columns.len()));
            assert!(table.note.is_none());
        }
        let diabetes = sample_csv("diabetes").unwrap();
        let rows = diabetes.lines().count() - 1;
        let positive = diabetes
            .lines()
            .skip(1)
            .filter(|l| l.ends_with(",1"))
            .count();
        assert_eq!(rows, 1_000);
        assert!(
            (250..=450).contains(&positive),
            "{positive} diabetic: a table to learn from"
        );
        assert_eq!(
            sample_csv("bike-rentals").unwrap().lines().count(),
            1 + 365 * 2
        );
        assert_eq!(decimal(336, 1), "33.6");
        assert_eq!(decimal(78, 3), "0.078");
        assert!(mltable_for_csv("diabetes.csv").contains("- file: ./diabetes.csv"));
    }
}
