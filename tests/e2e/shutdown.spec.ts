// A warning shortly before one of your instances is shut down, with "Skip this shutdown" (people
// asked the real service for exactly this; time is moved forward: on the browser store the page's
// clock, Playwright's; on the server store only the server's, through its --movable-clock API),
// and the schedules edited on the details page.
import {
  test,
  expect,
  createInstance,
  expectState,
  notifications,
  openInstances,
  openWizard,
  passTime,
  property,
  setPace,
  stateOnServer,
  uniqueName,
  wizard,
  wizardButton,
  wizardStep,
} from './helpers';

test.use({ serverArgs: ['--movable-clock'] });

test('a warning comes before idle shutdown, and "Skip this shutdown" keeps the instance running', async ({ page, server }) => {
  // The browser store keeps the page's time; the server store the server's, whatever the page's.
  if (!server) await page.clock.install();
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
  await passTime(page, server, 6); // 9 minutes before idle shutdown
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('by idle shutdown');
  // The notice hides none of the page's actions: each is where a click lands on it.
  const box = (await warning.boundingBox())!;
  for (const action of [
    page.getByRole('link', { name: 'Create from YAML' }),
    page.getByRole('link', { name: 'View quota and costs' }),
    page.getByRole('toolbar', { name: 'Compute instance actions' }).getByRole('button', { name: '+ New' }),
  ]) {
    const at = (await action.boundingBox())!;
    const apart =
      at.x + at.width <= box.x || box.x + box.width <= at.x || at.y + at.height <= box.y || box.y + box.height <= at.y;
    expect(apart, `${action} is not under the notice`).toBe(true);
    await action.click({ trial: true, timeout: 2_000 });
  }
  await warning.getByRole('button', { name: 'Skip this shutdown' }).click();
  await expect(warning).toHaveCount(0);
  await expect(notifications(page).getByRole('status').filter({ hasText: 'Shutdown skipped' })).toBeVisible();

  await passTime(page, server, 10); // past the shutdown that was skipped
  await expectState(page, name, 'Running');
  if (server) expect(await stateOnServer(page, server, name)).toBe('Running');
  await passTime(page, server, 6); // a whole idle time after the skip
  await expectState(page, name, 'Stopped');
  if (server) expect(await stateOnServer(page, server, name)).toBe('Stopped');
});

test('schedules and idle shutdown are edited on the details page', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('edit');
  await createInstance(page, name);
  await expectState(page, name, 'Running');
  await page.getByRole('link', { name, exact: true }).click();
  await expect(await property(page, 'Idle shutdown')).toHaveText('After 60 minutes of inactivity');

  await page.getByRole('button', { name: 'Edit schedules' }).click();
  const d = page.getByRole('dialog', { name: 'Schedules and idle shutdown' });
  const idle = d.getByRole('textbox', { name: 'Shut down after this many minutes of inactivity' });
  await idle.fill('5');
  await expect(d.getByRole('alert').filter({ hasText: 'between 15 minutes and 3 days' }).first()).toBeVisible();
  await idle.fill('30');
  await d.getByRole('button', { name: 'Add schedule' }).click();
  const schedule = d.getByRole('group', { name: 'Schedule 1' });
  await schedule.getByRole('combobox', { name: 'Time zone' }).selectOption('W. Europe Standard Time');
  await schedule.getByLabel('Time', { exact: true }).fill('19:15');
  // A second schedule as a cron expression: a bad one says what is wrong, a good one when it runs next.
  await d.getByRole('button', { name: 'Add schedule' }).click();
  const cron = d.getByRole('group', { name: 'Schedule 2' });
  await cron.getByRole('combobox', { name: 'Trigger' }).selectOption('Cron expression');
  await cron.getByRole('combobox', { name: 'Action' }).selectOption('Start');
  const expression = cron.getByRole('textbox', { name: 'Cron expression' });
  await expression.fill('30 7 * *');
  await expect(cron.getByRole('alert')).toContainText('A cron expression has 5 fields');
  await expect(expression).toHaveAttribute('aria-invalid', 'true');
  await expression.fill('0 0 31 2 *');
  await expect(cron.getByRole('alert')).toContainText('never fires');
  await expression.fill('30 7 * * 1-5');
  await expect(expression).toHaveAttribute('aria-invalid', 'false');
  await expect(cron).toContainText('Next: ');
  await idle.press('Enter'); // Enter in a field saves, as in a form
  await expect(d).toBeHidden();
  await expect(await property(page, 'Idle shutdown')).toHaveText('After 30 minutes of inactivity');
  await expect(await property(page, 'Schedules')).toContainText('Stop at 19:15 on Monday, Tuesday, Wednesday, Thursday, Friday (W. Europe Standard Time)');
  await expect(await property(page, 'Schedules')).toContainText('Start cron "30 7 * * 1-5" (UTC)');

  // Opened again, the editor shows what was saved.
  await page.getByRole('button', { name: 'Edit schedules' }).click();
  await expect(idle).toHaveValue('30');
  await expect(schedule.getByLabel('Time', { exact: true })).toHaveValue('19:15');
  await expect(expression).toHaveValue('30 7 * * 1-5');
  await d.getByRole('button', { name: 'Cancel' }).click();
  await expect(d).toBeHidden();
});

test("a save over somebody else's change to the schedules is refused, not lost", async ({ page, context }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('race');
  await createInstance(page, name);
  await expectState(page, name, 'Running');
  await page.getByRole('link', { name, exact: true }).click();
  const other = await context.newPage();
  await other.goto(`/compute/instances/${name}`);
  const idleField = 'Shut down after this many minutes of inactivity';
  const dialogs = [page, other].map((p) => p.getByRole('dialog', { name: 'Schedules and idle shutdown' }));
  for (const p of [page, other]) await p.getByRole('button', { name: 'Edit schedules' }).click();
  await dialogs[0].getByRole('textbox', { name: idleField }).fill('20');
  await dialogs[0].getByRole('button', { name: 'Save' }).click();
  await expect(dialogs[0]).toBeHidden();
  // The other page has the change, under its open dialog; saving over it is refused.
  await expect(await property(other, 'Idle shutdown')).toHaveText('After 20 minutes of inactivity');
  await dialogs[1].getByRole('textbox', { name: idleField }).fill('45');
  await dialogs[1].getByRole('button', { name: 'Save' }).click();
  await expect(dialogs[1].getByRole('alert').filter({ hasText: 'Somebody changed the schedules or idle shutdown' })).toBeVisible();
  // Cancel asks before the edit is lost; Escape on the question keeps editing.
  await dialogs[1].getByRole('button', { name: 'Cancel' }).click();
  const discard = other.getByRole('alertdialog', { name: 'Discard your changes?' });
  await expect(discard).toBeVisible();
  await other.keyboard.press('Escape');
  await expect(discard).toBeHidden();
  await expect(dialogs[1].getByRole('textbox', { name: idleField })).toHaveValue('45');
  await dialogs[1].getByRole('button', { name: 'Cancel' }).click();
  await discard.getByRole('button', { name: 'Discard' }).click();
  await expect(dialogs[1]).toBeHidden();
  await expect(await property(other, 'Idle shutdown')).toHaveText('After 20 minutes of inactivity');
  // Nothing edited: Cancel closes at once.
  await other.getByRole('button', { name: 'Edit schedules' }).click();
  await dialogs[1].getByRole('button', { name: 'Cancel' }).click();
  await expect(dialogs[1]).toBeHidden();
});
