// Create from YAML: a file pasted or uploaded is read as `az ml compute create -f` reads it,
// bad files get their line and field, and export -> delete -> import gives the same compute.
import {
  test,
  expect,
  createInstance,
  expectState,
  instanceRow,
  openInstances,
  openStudio,
  property,
  selectInstance,
  setPace,
  toolbarButton,
  uniqueName,
} from './helpers';

const LOW_PRIORITY = `$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json
name: low-pri-example
type: amlcompute
size: STANDARD_DS3_v2
min_instances: 0
max_instances: 2
idle_time_before_scale_down: 120
tier: low_priority
`;

test('a public example file creates a low-priority cluster; a bad one says where', async ({ page }) => {
  await openStudio(page, '/compute/import');
  const file = page.getByLabel('Or paste it here');
  await file.fill(LOW_PRIORITY.replace('max_instances: 2', 'max_instances: many'));
  await expect(page.getByRole('alert')).toContainText('line 6, field max_instances');
  await expect(page.getByRole('button', { name: 'Create' })).toHaveAttribute('aria-disabled', 'true');
  await file.fill(LOW_PRIORITY.replace('tier: low_priority', 'tier: low_priority\ncolour: blue'));
  await expect(page.getByRole('alert')).toContainText('colour');

  // Uploading works as pasting does.
  await page.getByLabel('Upload a .yml file').setInputFiles({
    name: 'low-pri.yml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(LOW_PRIORITY),
  });
  const preview = page.getByRole('region', { name: 'What it will create' });
  await expect(preview).toContainText('Compute cluster');
  await expect(preview).toContainText('low-pri-example');
  await expect(preview).toContainText('0 to 2');
  // In the studio's words, not the API's: the catalogue's size name, the tier, idle seconds.
  await expect(preview).toContainText('Standard_DS3_v2 (4 cores, 14 GB RAM');
  await expect(preview).toContainText('Virtual machine tierLow priority');
  await expect(preview).toContainText('Idle seconds before scale down120');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/compute\/clusters(\?|$)/);
  const row = page.getByRole('table', { name: 'Compute clusters' }).getByRole('row').filter({ hasText: 'low-pri-example' });
  await expect(row).toContainText('Low priority');
});

test('export, delete, import: the same compute instance comes back', async ({ page }) => {
  await openInstances(page);
  await setPace(page, 'Instant');
  const name = uniqueName('yaml');
  await createInstance(page, name, { tags: { team: 'lab' } });
  await expectState(page, name, 'Running');
  await instanceRow(page, name).getByRole('link', { name, exact: true }).click();
  await page.getByRole('tablist', { name: 'Compute instance views' }).getByRole('tab', { name: 'YAML' }).click();
  const yaml = (await page.getByRole('region', { name: 'Azure ML CLI v2 YAML' }).locator('pre').textContent()) ?? '';
  expect(yaml).toContain(`name: ${name}`);

  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Compute', exact: true }).click();
  await selectInstance(page, name);
  await toolbarButton(page, 'Delete').click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(instanceRow(page, name)).toHaveCount(0);

  await page.getByRole('link', { name: 'Create from YAML' }).click();
  await page.getByLabel('Or paste it here').fill(yaml);
  await expect(page.getByRole('region', { name: 'What it will create' })).toContainText('Compute instance');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/compute\/instances(\?|$)/);
  await expectState(page, name, 'Running');
  await instanceRow(page, name).getByRole('link', { name, exact: true }).click();
  await page.getByRole('tablist', { name: 'Compute instance views' }).getByRole('tab', { name: 'YAML' }).click();
  await expect(page.getByRole('region', { name: 'Azure ML CLI v2 YAML' }).locator('pre')).toHaveText(yaml);
});

test("a cluster's description and tags show on its page, with its location", async ({ page }) => {
  await openStudio(page, '/compute/import');
  const name = uniqueName('described');
  await page
    .getByLabel('Or paste it here')
    .fill(
      LOW_PRIORITY.replace('name: low-pri-example', `name: ${name}`) +
        'description: Nightly training for the lab\ntags:\n  team: lab\n  course: dp-100\n',
    );
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/compute\/clusters(\?|$)/);
  await page.getByRole('table', { name: 'Compute clusters' }).getByRole('link', { name }).click();
  await expect(await property(page, 'Description')).toHaveText('Nightly training for the lab');
  await expect(await property(page, 'Tags')).toHaveText(/team: lab/);
  await expect(await property(page, 'Tags')).toHaveText(/course: dp-100/);
  // One wording for where a compute is, as on an instance's page and in the wizards.
  await expect(await property(page, 'Location')).toHaveText('East US');
});

test('pasted YAML is not lost to Back, and after Create, Back does not open the form again', async ({ page }) => {
  await openInstances(page);
  await page.getByRole('link', { name: 'Create from YAML' }).click();
  const name = uniqueName('keep');
  const file = page.getByLabel('Or paste it here');
  await file.fill(LOW_PRIORITY.replace('low-pri-example', name));
  await page.goBack();
  const ask = page.getByRole('alertdialog', { name: 'Discard the YAML?' });
  await expect(ask).toBeVisible();
  await ask.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page).toHaveURL(/\/compute\/import(\?|$)/);
  await expect(file).toHaveValue(new RegExp(`name: ${name}`));

  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page).toHaveURL(/\/compute\/clusters(\?|$)/);
  await expect(page.getByRole('table', { name: 'Compute clusters' }).getByRole('row').filter({ hasText: name })).toBeVisible();
  await page.goBack();
  await expect(page).not.toHaveURL(/\/compute\/import/);
  await expect(page.getByRole('table', { name: 'Compute instances' })).toBeVisible();
});
