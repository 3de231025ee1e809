// What people type is shown as text, never run as markup: a tag value that is an HTML injection
// shows literally everywhere it appears, and no script runs.
import { expect, test } from './helpers';
import {
  expectState,
  fillWizard,
  openInstances,
  openWizard,
  property,
  setPace,
  uniqueName,
  wizard,
  wizardButton,
} from './helpers';

const INJECTION = '<img src=x onerror=alert(1)>';

test('a tag value holding HTML is shown as text and never runs', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss();
  });

  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('xss');

  // Tags step: owner = the injection; Review + Create shows it as text.
  await openWizard(page);
  await fillWizard(page, name, { tags: { owner: INJECTION } });
  const w = wizard(page);
  await expect(w.getByText(`owner: ${INJECTION}`)).toBeVisible();
  await expect(w.getByRole('region', { name: 'ARM request' })).toContainText(`"owner": "${INJECTION}"`);
  await wizardButton(page, 'Create').click();
  await expect(w).toBeHidden();
  await expectState(page, name, 'Running');

  // The details page (the name's link in the table) shows the tag literally.
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/compute/instances/${name}(\\?|$)`));
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(await property(page, 'Tags')).toHaveText(`owner: ${INJECTION}`);

  // So does its ARM JSON.
  await page.getByRole('tab', { name: 'JSON' }).click();
  await expect(page.getByRole('region', { name: 'ARM JSON' })).toContainText(`"owner": "${INJECTION}"`);

  // And after a reload, read back from storage, it is still text.
  await page.reload();
  // The JSON view is in the address, so the reload opens it again.
  await expect(page.getByRole('tab', { name: 'JSON' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Details' }).click();
  await expect(await property(page, 'Tags')).toHaveText(`owner: ${INJECTION}`);

  // No <img> element was made from it, and no script ran.
  await expect(page.locator('img')).toHaveCount(0);
  expect(await page.evaluate(() => document.images.length)).toBe(0);
  expect(dialogs).toEqual([]);
});
