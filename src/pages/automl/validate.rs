//! "Validate and test" of the AutoML wizard's Task settings: how trials are validated (Auto, a
//! train-validation split or k-fold cross-validation) and what the best model is tested on
//! (nothing, a share of the training rows held out, or a Table data asset of its own).

use super::data::TablePicker;
use super::form::{AutomlForm, TestType, ValidationType};
use crate::components::{radio_card, TextField};
use leptos::prelude::*;

/// The "Validate and test" part of the Task settings step.
#[component]
pub fn ValidateAndTest(
    /// The wizard's fields.
    form: AutomlForm,
) -> impl IntoView {
    let validation = move |to: ValidationType| {
        (
            move || form.validation.get() == to,
            move || form.validation.set(to),
        )
    };
    let test = move |to: TestType| (move || form.test.get() == to, move || form.test.set(to));
    let (auto, split, kfold) = (
        validation(ValidationType::Auto),
        validation(ValidationType::Split),
        validation(ValidationType::KFold),
    );
    let (none, held_out, asset) = (
        test(TestType::None),
        test(TestType::Split),
        test(TestType::Data),
    );
    view! {
        <h4>"Validate and test"</h4>
        <fieldset class="radio-group">
            <legend>"Validation type"</legend>
            {radio_card("automl-validation", auto.0, auto.1, "Auto", "Cross-validation under 20,000 rows (10 folds under 1,000), a 10% holdout above.")}
            {radio_card("automl-validation", split.0, split.1, "Train-validation split", "A share of the rows held out.")}
            {radio_card("automl-validation", kfold.0, kfold.1, "k-fold cross-validation", "Every row validated once.")}
        </fieldset>
        <Show when=move || form.validation.get() == ValidationType::Split>
            <TextField label="Percentage validation of data" id="automl-split" value=form.split />
        </Show>
        <Show when=move || form.validation.get() == ValidationType::KFold>
            <TextField label="Number of cross validations" id="automl-folds" value=form.folds />
        </Show>
        <fieldset class="radio-group">
            <legend>"Test data"</legend>
            {radio_card("automl-test", none.0, none.1, "None", "The best model is not tested on rows of its own.")}
            {radio_card("automl-test", held_out.0, held_out.1, "Train-test split", "A percentage of the training rows held out, never trained or validated on, to test the best model.")}
            {radio_card("automl-test", asset.0, asset.1, "Test data", "A Table data asset of its own, with the same columns, to test the best model on.")}
        </fieldset>
        <Show when=move || form.test.get() == TestType::Split>
            <TextField label="Percentage test of data" id="automl-test-split" value=form.test_split error=Signal::derive(move || form.test_split_error()) hint="A whole number from 1 to 50, such as 10." />
        </Show>
        <Show when=move || form.test.get() == TestType::Data>
            <TablePicker label="Test data assets" group="automl-test-data" value=form.test_data />
        </Show>
    }
}
