// The "+ New" wizard's checks: a name Azure ML would refuse is explained under the field, marks
// the field invalid, is listed on Review + Create, and keeps "Create" disabled.
import { type Page } from '@playwright/test';
import { expect, test } from './helpers';
import {
  discardPrompt,
  discardWizard,
  instancesTable,
  createInstance,
  instanceRow,
  openInstances,
  openStudio,
  openWizard,
  setPace,
  toolbarButton,
  uniqueName,
  wizard,
  wizardButton,
  wizardStep,
} from './helpers';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Types `name`, checks the message under the field, then checks Review + Create refuses it. */
async function expectNameRefused(page: Page, name: string, message: string | RegExp): Promise<void> {
  const w = wizard(page);
  const field = w.getByRole('textbox', { name: 'Compute name' });
  await field.fill(name);
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  // The message is tied to the field for assistive technology (aria-describedby).
  await expect(field).toHaveAccessibleDescription(
    typeof message === 'string' ? new RegExp(escapeRegExp(message)) : message,
  );
  await expect(w.getByText(message).first()).toBeVisible();
  await expect(wizardStep(page, 'Required settings')).toHaveAccessibleName(/has errors/);

  await wizardButton(page, 'Review + Create').click();
  const create = wizardButton(page, 'Create');
  await expect(create).toBeDisabled();
  const problems = w.getByRole('alert').filter({ hasText: 'Fix these before creating:' });
  await expect(problems.getByRole('listitem').filter({ hasText: message })).toBeVisible();

  // Clicking the disabled button creates nothing.
  await create.click({ force: true });
  await expect(w).toBeVisible();
  await wizardStep(page, 'Required settings').click();
}

test.beforeEach(async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
});

test('a name ending in "-<digits>" is refused with the rule and how to fix it', async ({ page }) => {
  await openWizard(page);
  await expectNameRefused(
    page,
    'cpu-cluster-1',
    /Numbers cannot be the ending of the name if the previous character is a minus symbol/,
  );
  // Fixing the name clears the error and enables Create.
  const field = wizard(page).getByRole('textbox', { name: 'Compute name' });
  await field.fill('cpu-cluster-one');
  await expect(field).not.toHaveAttribute('aria-invalid', 'true');
  await expect(wizardStep(page, 'Required settings')).not.toHaveAccessibleName(/has errors/);
  await wizardButton(page, 'Review + Create').click();
  await expect(wizardButton(page, 'Create')).toBeEnabled();
  await expect(wizard(page).getByText('Fix these before creating:')).toHaveCount(0);
});

test('too short, badly started and badly charactered names are refused', async ({ page }) => {
  await openWizard(page);
  await expectNameRefused(page, 'ab', 'Compute name must be between 3 and 24 characters long (it has 2).');
  await expectNameRefused(page, 'a'.repeat(25), /between 3 and 24 characters long \(it has 25\)/);
  await expectNameRefused(page, '1abc', 'Compute name must start with a letter (a-z or A-Z).');
  await expectNameRefused(page, 'ab_c', /can only contain letters \(a-z, A-Z\), digits and hyphens/);
  await expectNameRefused(page, 'my vm', "Compute name cannot contain spaces; use a hyphen ('-') instead.");
});

test('an empty name keeps Create disabled', async ({ page }) => {
  await openWizard(page);
  await wizardButton(page, 'Review + Create').click();
  await expect(wizardButton(page, 'Create')).toBeDisabled();
  await expect(
    wizard(page).getByRole('alert').filter({ hasText: 'Fix these before creating:' }),
  ).toContainText('Compute name is required.');
});

test('the name of an existing instance is refused, whatever its case', async ({ page }) => {
  const name = uniqueName('dup');
  await createInstance(page, name);
  await openWizard(page);
  const taken = /already used by another compute in East US.*unique within a region/;
  await expectNameRefused(page, name, taken);
  await expectNameRefused(page, name.toUpperCase(), taken);
  await discardWizard(page);
  await expect(instanceRow(page, name)).toHaveCount(1);
});

test('Cancel closes the wizard without creating anything, and the wizard has its own URL', async ({ page }) => {
  await openWizard(page);
  await wizardButton(page, 'Cancel').click(); // nothing entered: nothing to ask about
  await expect(wizard(page)).toBeHidden();
  await openWizard(page);
  const name = uniqueName('gone');
  await wizard(page).getByRole('textbox', { name: 'Compute name' }).fill(name);
  await discardWizard(page);
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(instanceRow(page, name)).toHaveCount(0);

  // /compute/create/instance opens the wizard directly, over the Compute instances tab.
  await page.goto('/compute/create/instance');
  await expect(wizard(page)).toBeVisible();
  await expect(wizardStep(page, 'Required settings')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('navigation', { name: 'Kinds of compute' }).getByRole('link', { name: 'Compute instances' }))
    .toHaveAttribute('aria-current', 'page');
});

test('the wizard takes the focus when it opens, so Escape closes it', async ({ page }) => {
  // A modal dialog moves focus into itself (WAI-ARIA dialog pattern); Escape then closes it.
  await openWizard(page);
  await expect
    .poll(() => wizard(page).evaluate((dialog) => dialog.contains(document.activeElement)), {
      message: 'focus is inside the wizard',
      timeout: 3_000,
    })
    .toBe(true);
  await page.keyboard.press('Escape');
  await expect(wizard(page)).toBeHidden();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
});

test('Enter in a field presses the primary button (Review + Create)', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  await openWizard(page);
  const name = uniqueName('enter');
  const field = wizard(page).getByRole('textbox', { name: 'Compute name' });
  await field.fill(name);
  await field.press('Enter');
  await expect(wizardStep(page, 'Review + Create')).toHaveAttribute('aria-selected', 'true');
  await wizardButton(page, 'Create').click();
  await expect(wizard(page)).toBeHidden();
  await expect(instanceRow(page, name)).toBeVisible();
});

test('the keyboard stays in the wizard: Tab wraps, arrows move between steps, Escape works after clicks, focus goes back', async ({ page }) => {
  await openWizard(page);
  const w = wizard(page);
  const inside = () => w.evaluate((dialog) => dialog.contains(document.activeElement));
  // The first field has the focus.
  await expect(w.getByRole('textbox', { name: 'Compute name' })).toBeFocused();
  // Tab and Shift+Tab never leave the dialog.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    expect(await inside(), `Tab ${i + 1} stays inside`).toBe(true);
  }
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Shift+Tab');
    expect(await inside(), `Shift+Tab ${i + 1} stays inside`).toBe(true);
  }
  // The step list is a tablist: arrows move between steps.
  await wizardStep(page, 'Required settings').focus();
  await page.keyboard.press('ArrowDown');
  await expect(wizardStep(page, 'Scheduling')).toBeFocused();
  await expect(wizardStep(page, 'Scheduling')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(wizardStep(page, 'Review + Create')).toHaveAttribute('aria-selected', 'true');
  // Escape still closes after a click re-rendered the footer, and "+ New" gets the focus back.
  await wizardStep(page, 'Tags').click();
  await wizardButton(page, 'Review + Create').click();
  await page.keyboard.press('Escape');
  await expect(w).toBeHidden();
  await expect(toolbarButton(page, '+ New')).toBeFocused();
});

test('an invalid tag is shown on its step and blocks Create', async ({ page }) => {
  await openWizard(page);
  const w = wizard(page);
  await w.getByRole('textbox', { name: 'Compute name' }).fill(uniqueName('tag'));
  await wizardStep(page, 'Tags').click();
  await w.getByRole('button', { name: 'Add tag' }).click();
  await w.getByRole('button', { name: 'Add tag' }).click();
  await w.getByRole('textbox', { name: 'Tag 1 name' }).fill('team');
  await w.getByRole('textbox', { name: 'Tag 2 name' }).fill('Team'); // tag names ignore case
  await expect(w.getByRole('textbox', { name: 'Tag 2 name' })).toHaveAttribute('aria-invalid', 'true');
  await expect(w.getByText(/The tag name 'team' is used twice/).first()).toBeVisible();
  await expect(wizardStep(page, 'Tags')).toHaveAccessibleName(/has errors/);
  await wizardButton(page, 'Review + Create').click();
  await expect(wizardButton(page, 'Create')).toBeDisabled();

  await wizardStep(page, 'Tags').click();
  await w.getByRole('button', { name: 'Remove tag 2' }).click();
  await expect(wizardStep(page, 'Tags')).not.toHaveAccessibleName(/has errors/);
  await wizardButton(page, 'Review + Create').click();
  await expect(wizardButton(page, 'Create')).toBeEnabled();
});

test("a tag's problems all show at once, across the row, each field marked", async ({ page }) => {
  await openWizard(page);
  const w = wizard(page);
  await wizardStep(page, 'Tags').click();
  await w.getByRole('button', { name: 'Add tag' }).click();
  await w.getByRole('button', { name: 'Add tag' }).click();
  const name = w.getByRole('textbox', { name: 'Tag 1 name' });
  const value = w.getByRole('textbox', { name: 'Tag 1 value' });
  await name.fill('team/a');
  await value.fill('v'.repeat(257));
  await w.getByRole('textbox', { name: 'Tag 2 name' }).fill('Team/A');
  const problems = [
    "The tag name 'team/a' is used twice (tag names ignore case).",
    'Tag names cannot contain',
    "The value of tag 'team/a' is longer than 256 characters.",
  ];
  for (const problem of problems) {
    await expect(name).toHaveAccessibleDescription(new RegExp(problem.replace(/[.()]/g, '\\$&')));
    await expect(w.getByRole('alert').filter({ hasText: problem }).first()).toBeVisible();
  }
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(value).toHaveAttribute('aria-invalid', 'true');
  // The messages run across the row, not squeezed into the name's column.
  const message = w.getByRole('alert').filter({ hasText: problems[2] }).first();
  expect((await message.boundingBox())!.width).toBeGreaterThan((await name.boundingBox())!.width + 100);
  // A value that fits leaves the value field valid; the name's problems stay.
  await value.fill('lab');
  await expect(value).not.toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(/Tag names cannot contain/);
});

test('a filled-in wizard asks before Escape, Cancel or Back discard it, and Forward does not bring back an empty one', async ({ page }) => {
  await openWizard(page);
  const w = wizard(page);
  const name = w.getByRole('textbox', { name: 'Compute name' });
  await name.fill('my-notebook');
  // Escape asks; "Keep editing" keeps everything.
  await page.keyboard.press('Escape');
  await expect(discardPrompt(page)).toBeVisible();
  await expect(discardPrompt(page)).toContainText('What you entered will be lost.');
  await discardPrompt(page).getByRole('button', { name: 'Keep editing' }).click();
  await expect(discardPrompt(page)).toBeHidden();
  await expect(name).toHaveValue('my-notebook');
  // Escape in the question answers it, not the wizard: the wizard stays.
  await wizardButton(page, 'Cancel').click();
  await expect(discardPrompt(page)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(discardPrompt(page)).toBeHidden();
  await expect(w).toBeVisible();
  // The browser's Back asks too, and stays on the wizard until answered.
  await page.goBack();
  await expect(discardPrompt(page)).toBeVisible();
  await expect(page).toHaveURL(/\/compute\/create\/instance(\?|$)/);
  await expect(name).toHaveValue('my-notebook');
  await discardPrompt(page).getByRole('button', { name: 'Discard' }).click();
  await expect(w).toBeHidden();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  // Forward does not open an empty wizard in its place.
  await page.goForward();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expect(w).toBeHidden();
  await expect(instancesTable(page)).toBeVisible();
});

test('leaving the studio from a filled-in wizard opened by its address has the browser ask first', async ({ page }) => {
  await openStudio(page, '/compute/create/instance');
  const name = wizard(page).getByRole('textbox', { name: 'Compute name' });
  await name.click();
  await name.fill('my-notebook');
  const asked: string[] = [];
  page.on('dialog', (dialog) => {
    asked.push(dialog.type());
    void dialog.accept();
  });
  // A reload would lose the name: the browser asks ("Leave site?"), and leaving empties it.
  await page.reload();
  await expect(wizard(page)).toBeVisible();
  expect(asked).toEqual(['beforeunload']);
  await expect(name).toHaveValue('');
  // Nothing entered now: leaving asks nothing.
  await name.click();
  await page.reload();
  await expect(wizard(page)).toBeVisible();
  expect(asked).toEqual(['beforeunload']);
  // After a discard, nothing holds the page either.
  await name.fill('my-notebook');
  await discardWizard(page);
  await page.reload();
  await expect(instancesTable(page)).toBeVisible();
  expect(asked).toEqual(['beforeunload']);
});
