// A warning shortly before one of your instances is shut down, with "Skip this shutdown" (people
// asked the real service for exactly this). The page's clock is Playwright's, moved forward.
import {
  test,
  expect,
  expectState,
  notifications,
  openInstances,
  openWizard,
  setPace,
  uniqueName,
  wizard,
  wizardButton,
  wizardStep,
} from './helpers';

test('a warning comes before idle shutdown, and "Skip this shutdown" keeps the instance running', async ({ page, store }) => {
  test.skip(store === 'server', "the server keeps its own clock (its skip is covered by the API test)");
  await page.clock.install();
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('idle');
  await openWizard(page);
  const w = wizard(page);
  await w.getByRole('textbox', { name: 'Compute name' }).fill(name);
  await wizardStep(page, 'Scheduling').click();
  await w.getByRole('textbox', { name: 'Shut down after this many minutes of inactivity' }).fill('15');
  await wizardStep(page, 'Review + Create').click();
  await wizardButton(page, 'Create').click();
  await expectState(page, name, 'Running');

  const warning = notifications(page).getByRole('status').filter({ hasText: `${name} shuts down soon` });
  await expect(warning).toHaveCount(0);
  await page.clock.runFor('06:00'); // 9 minutes before idle shutdown
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('by idle shutdown');
  await warning.getByRole('button', { name: 'Skip this shutdown' }).click();
  await expect(warning).toHaveCount(0);
  await expect(notifications(page).getByRole('status').filter({ hasText: 'Shutdown skipped' })).toBeVisible();

  await page.clock.runFor('10:00'); // past the shutdown that was skipped
  await expectState(page, name, 'Running');
  await page.clock.runFor('06:00'); // a whole idle time after the skip
  await expectState(page, name, 'Stopped');
});
