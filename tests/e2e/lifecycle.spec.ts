// Stop, start, restart and delete from the list's toolbar: each button is enabled only when the
// lifecycle allows it, and the states pass through their transitions at the Fast pace.
import { type Page } from '@playwright/test';
import { expect, test } from './helpers';
import {
  createInstance,
  expectState,
  instanceRow,
  openInstances,
  selectInstance,
  setPace,
  toolbarButton,
  uniqueName,
} from './helpers';

/** Expects exactly `enabled` of Start/Stop/Restart/Delete to be enabled. */
async function expectEnabled(page: Page, enabled: string[]): Promise<void> {
  for (const action of ['Start', 'Stop', 'Restart', 'Delete']) {
    const button = toolbarButton(page, action);
    if (enabled.includes(action)) await expect(button, action).toBeEnabled();
    else await expect(button, action).toBeDisabled();
  }
}

test('stop, start, restart and delete an instance from the toolbar', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant'); // Creating is not the point here.
  const name = uniqueName('life');
  await createInstance(page, name);
  await expectState(page, name, 'Running');
  await setPace(page, 'Fast'); // Stop 4 s, start 5 s, restart 6 s, delete 3 s.

  // Nothing selected: nothing to act on.
  await expectEnabled(page, []);
  await expect(toolbarButton(page, 'Stop')).toHaveAttribute('title', /Select one or more compute instances/);

  await selectInstance(page, name);
  await expect(instanceRow(page, name).getByRole('checkbox', { name: `Select ${name}` })).toBeChecked();
  await expectEnabled(page, ['Stop', 'Restart', 'Delete']);
  // A disabled button says why.
  await expect.soft(toolbarButton(page, 'Start')).toHaveAttribute('title', /Start is only allowed when the instance is Stopped/, {
    timeout: 2_000,
  });

  // Stop: Stopping, then Stopped; no other operation while it is in flight.
  await toolbarButton(page, 'Stop').click();
  await expectState(page, name, 'Stopping');
  await expectEnabled(page, []);
  await expectState(page, name, 'Stopped', { timeout: 8_000 });
  await expectEnabled(page, ['Start', 'Delete']);

  // Start: Starting, then Running.
  await toolbarButton(page, 'Start').click();
  await expectState(page, name, 'Starting');
  await expectEnabled(page, []);
  await expectState(page, name, 'Running', { timeout: 9_000 });
  await expectEnabled(page, ['Stop', 'Restart', 'Delete']);

  // Restart: Restarting, then Running.
  await toolbarButton(page, 'Restart').click();
  await expectState(page, name, 'Restarting');
  await expectEnabled(page, []);
  await expectState(page, name, 'Running', { timeout: 10_000 });

  // Delete asks first; Cancel keeps the instance.
  await toolbarButton(page, 'Delete').click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete compute instance?' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText(`${name} will be deleted`);
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expectState(page, name, 'Running');

  // Confirmed, it is Deleting, then gone.
  await toolbarButton(page, 'Delete').click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toBeHidden();
  await expectState(page, name, 'Deleting');
  await expect(instanceRow(page, name)).toHaveCount(0, { timeout: 7_000 });
  await expect(page.getByText('No compute instances yet.')).toBeVisible();
  await expectEnabled(page, []);

  // For good: a reload does not bring it back.
  await page.reload();
  await expect(page.getByText('No compute instances yet.')).toBeVisible();
  await expect(instanceRow(page, name)).toHaveCount(0);
});

test('several selected instances are operated together', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const names = [uniqueName('many'), uniqueName('many')];
  for (const name of names) await createInstance(page, name);

  await page.getByRole('checkbox', { name: 'Select all compute instances' }).check();
  for (const name of names) {
    await expect(page.getByRole('checkbox', { name: `Select ${name}` })).toBeChecked();
  }
  await toolbarButton(page, 'Stop').click();
  for (const name of names) await expectState(page, name, 'Stopped');
  await expectEnabled(page, ['Start', 'Delete']);

  await toolbarButton(page, 'Delete').click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete 2 compute instances?' });
  await expect(confirm).toContainText(`${names[0]}, ${names[1]} will be deleted with everything on their disk`);
  await confirm.getByRole('button', { name: 'Delete' }).click();
  for (const name of names) await expect(instanceRow(page, name)).toHaveCount(0);
});
