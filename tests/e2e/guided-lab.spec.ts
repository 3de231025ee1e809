// The guided lab beside the page: the seed lab's steps tick themselves from what the person does
// and from the workspace's real state, say what is left, and end with every step done.
import { expect, test } from './helpers';
import { createInstance, expectState, openStudio, setPace, uniqueName } from './helpers';

test('the guided lab ticks each step from what was really done, to the last', async ({ page }) => {
  await openStudio(page, '/');
  await page.getByRole('button', { name: 'Guided lab' }).click();
  const lab = page.getByRole('complementary', { name: 'Guided lab' });
  await expect(lab.getByRole('heading', { name: 'Explore an Azure Machine Learning workspace' })).toBeVisible();
  const status = lab.getByRole('status');
  await expect(status).toContainText('2 of 6 steps done. Next: Toggle ☰');
  await expect(lab.getByRole('listitem', { name: /^Done: Launch the studio/ })).toBeVisible();
  await expect(lab.getByRole('listitem', { name: /^To do: Toggle ☰/ })).toBeVisible();

  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await expect(status).toContainText('3 of 6 steps done. Next: View the Compute page');
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Compute' }).click();
  await expect(status).toContainText('4 of 6 steps done. Next: Add a compute instance');
  // A reload keeps the panel open and what was done.
  await page.reload();
  await expect(status).toContainText('4 of 6 steps done');

  await setPace(page, 'Fast');
  const name = uniqueName('ci');
  await createInstance(page, name);
  await expect(status).toContainText('5 of 6 steps done. Next: Wait for the compute instance to be Running');
  await expectState(page, name, 'Running');
  await expect(status).toContainText('6 of 6 steps done. Every step is done.');
  await expect(lab.getByRole('listitem', { name: /^To do/ })).toHaveCount(0);

  await lab.getByRole('button', { name: 'Close the guided lab' }).click();
  await expect(lab).toBeHidden();
});
