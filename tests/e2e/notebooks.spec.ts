// Authoring → Notebooks on both stores: the Files tree of workspaceworkingdirectory (Users/ada/),
// a notebook created, edited, saved and read again; Markdown that holds script and javascript:
// links shown as harmless text; files renamed, moved into a new folder and deleted; two editors
// of one notebook, the later save refused with nothing lost; a sample cloned; and a large
// notebook whose HTML output holds a script that never runs.
import { test, expect, openStudio } from './helpers';
import { HOME, cells, newFile, openNotebooks, source, tree } from './notebook_helpers';
import type { Page } from '@playwright/test';

async function save(page: Page): Promise<void> {
  await page.getByRole('toolbar', { name: 'Notebook actions' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved$/ })).toBeVisible();
}

test('a notebook is created, its Markdown shown safely, saved and read again', async ({ page }) => {
  await openNotebooks(page);
  await newFile(page, 'safety.ipynb');
  await expect(cells(page).getByRole('listitem')).toHaveCount(1);
  await expect(page.getByRole('treeitem', { name: 'safety.ipynb' })).toBeVisible();

  await source(page, 1).fill("print('hello')\n");
  await page.getByRole('toolbar', { name: 'Notebook actions' }).getByRole('button', { name: 'Add Markdown cell' }).click();
  const markdown = source(page, 2, 'Markdown');
  await expect(markdown).toBeFocused();
  await markdown.fill('# Safe\n\n<script>window.__x=1</script>\n\n[x](javascript:alert(1)) and <img src=x onerror="window.__x=2">\n\n[docs](https://learn.microsoft.com)');
  await markdown.press('Shift+Enter');

  const rendered = cells(page).getByRole('listitem', { name: 'Cell 2, Markdown' });
  await expect(rendered.getByRole('heading', { name: 'Safe' })).toBeVisible();
  await expect(rendered).toContainText('<script>window.__x=1</script>');
  await expect(rendered).toContainText('<img src=x onerror="window.__x=2">');
  await expect(rendered.getByRole('link', { name: 'docs' })).toHaveAttribute('href', 'https://learn.microsoft.com');
  await expect(rendered.getByRole('link', { name: 'x', exact: true })).toHaveCount(0);
  expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
  expect(await page.evaluate(() => (window as any).__x)).toBeUndefined();
  // Shift+Enter at the last cell adds a code cell to type in.
  await expect(source(page, 3)).toBeFocused();

  await save(page);
  await page.reload();
  await expect(source(page, 1)).toHaveValue("print('hello')\n");
  await expect(cells(page).getByRole('listitem', { name: 'Cell 2, Markdown' })).toContainText('<script>window.__x=1</script>');
  expect(await page.evaluate(() => (window as any).__x)).toBeUndefined();

  // Jupyter's keys: Esc to command mode, B inserts below, M makes it Markdown, D D deletes it.
  await source(page, 1).click();
  await source(page, 1).press('Escape');
  const first = cells(page).getByRole('listitem', { name: 'Cell 1, Code' });
  await expect(first).toBeFocused();
  await page.keyboard.press('b');
  await expect(cells(page).getByRole('listitem')).toHaveCount(4);
  await expect(cells(page).getByRole('listitem', { name: 'Cell 2, Code' })).toBeFocused();
  await page.keyboard.press('m');
  await expect(cells(page).getByRole('listitem', { name: 'Cell 2, Markdown' })).toBeVisible();
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  await expect(cells(page).getByRole('listitem')).toHaveCount(3);
  await expect(page.getByRole('status').filter({ hasText: /Unsaved changes|Saving…|^Saved$/ })).toBeVisible();

  // Only the selected cell has its toolbar: a cell moved down with it, then deleted.
  await source(page, 1).click();
  const actions = page.getByRole('toolbar', { name: 'Cell actions' });
  await expect(actions).toHaveCount(1);
  await actions.getByRole('button', { name: 'Move cell down' }).click();
  await expect(source(page, 2)).toHaveValue("print('hello')\n");
  await expect(cells(page).getByRole('listitem').first()).toHaveAccessibleName('Cell 1, Markdown');
  await expect(actions).toHaveCount(1);
  await actions.getByRole('button', { name: 'Delete cell' }).click();
  await expect(cells(page).getByRole('listitem')).toHaveCount(2);
});

test('files are renamed, moved into a new folder and deleted', async ({ page }) => {
  await openNotebooks(page);
  await newFile(page, 'draft.py', 'Python (.py)');
  await page.getByRole('textbox', { name: 'Content of draft.py' }).fill('x = 1\n');
  await page.getByRole('toolbar', { name: 'File actions' }).getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: /^Saved$/ })).toBeVisible();

  await page.getByRole('button', { name: 'More actions for draft.py' }).click();
  await page.getByRole('menu', { name: 'Actions for draft.py' }).getByRole('menuitem', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename draft.py' });
  await rename.getByLabel('New name').fill('train.py');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rename).toBeHidden();
  await expect(page).toHaveURL(/path=Users\/ada\/train\.py/);
  await expect(tree(page).getByRole('treeitem', { name: 'train.py' })).toBeVisible();
  await expect(tree(page).getByRole('treeitem', { name: 'draft.py' })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Content of train.py' })).toHaveValue('x = 1\n');

  await page.getByRole('toolbar', { name: 'Files actions' }).getByRole('button', { name: 'New folder' }).click();
  const folder = page.getByRole('dialog', { name: 'Create new folder' });
  await folder.getByLabel('Folder name').fill('archive');
  await folder.getByRole('button', { name: 'Create' }).click();
  await expect(tree(page).getByRole('treeitem', { name: 'archive' })).toBeVisible();

  await page.getByRole('button', { name: 'More actions for train.py' }).click();
  await page.getByRole('menuitem', { name: 'Move' }).click();
  const move = page.getByRole('dialog', { name: 'Move train.py' });
  await move.getByLabel('Destination folder').fill(`${HOME}/archive`);
  await move.getByRole('button', { name: 'Move' }).click();
  await expect(move).toBeHidden();
  await expect(page).toHaveURL(/path=Users\/ada\/archive\/train\.py/);
  const archive = tree(page).getByRole('treeitem', { name: 'archive' });
  await expect(archive.getByRole('treeitem', { name: 'train.py' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Content of train.py' })).toHaveValue('x = 1\n');

  // A name already taken there is refused in the dialog, and nothing is replaced.
  await newFile(page, 'train.py', 'Python (.py)');
  await tree(page).getByRole('treeitem', { name: 'ada' }).getByRole('button', { name: 'More actions for train.py' }).last().click();
  await page.getByRole('menuitem', { name: 'Move' }).click();
  const again = page.getByRole('dialog', { name: 'Move train.py' });
  await again.getByLabel('Destination folder').fill(`${HOME}/archive`);
  await again.getByRole('button', { name: 'Move' }).click();
  await expect(again.getByRole('alert')).toContainText('already exists');
  await again.getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/path=Users\/ada\/train\.py/);

  // A folder is deleted with everything in it.
  await archive.getByRole('button', { name: 'More actions for archive' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const gone = page.getByRole('alertdialog', { name: 'Delete folder archive?' });
  await expect(gone).toContainText('Users/ada/archive/ will be deleted with everything in it');
  await gone.getByRole('button', { name: 'Delete' }).click();
  await expect(tree(page).getByRole('treeitem', { name: 'archive' })).toHaveCount(0);
  await expect(page).toHaveURL(/path=Users\/ada\/train\.py/);

  // Deleting the open file closes it.
  await tree(page).getByRole('treeitem', { name: 'train.py' }).getByRole('button', { name: 'More actions for train.py' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete file train.py?' });
  await expect(confirm).toContainText('Users/ada/train.py will be deleted');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(page).not.toHaveURL(/path=/);
  await expect(tree(page).getByRole('treeitem', { name: 'train.py' })).toHaveCount(0);
  await expect(tree(page).getByRole('treeitem', { name: 'ada' })).toBeVisible();
});

test('of two editors of one notebook, the later save is refused and kept as a copy', async ({ page }) => {
  await openNotebooks(page);
  await newFile(page, 'shared.ipynb');
  await source(page, 1).fill('a = 1');
  await save(page);

  const other = await page.context().newPage();
  await openStudio(other, page.url());
  await expect(source(other, 1)).toHaveValue('a = 1');

  await source(page, 1).fill('a = 2');
  await save(page);

  await source(other, 1).fill('a = 3');
  await other.getByRole('toolbar', { name: 'Notebook actions' }).getByRole('button', { name: 'Save' }).click();
  const banner = other.getByRole('alert').filter({ hasText: 'Someone else saved shared.ipynb' });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('button', { name: 'Reload theirs' })).toBeVisible();
  // What was typed stays while the person chooses.
  await expect(source(other, 1)).toHaveValue('a = 3');
  await banner.getByRole('button', { name: 'Save mine as a copy' }).click();
  await expect(other).toHaveURL(/path=Users\/ada\/shared-Copy1\.ipynb/);
  await expect(source(other, 1)).toHaveValue('a = 3');

  await page.reload();
  await expect(source(page, 1)).toHaveValue('a = 2');
  await expect(tree(page).getByRole('treeitem', { name: 'shared-Copy1.ipynb' })).toBeVisible();

  // Reload theirs: the other editor takes the newer version.
  await other.goto(page.url());
  await expect(source(other, 1)).toHaveValue('a = 2');
  await source(page, 1).fill('a = 4');
  await save(page);
  await source(other, 1).fill('a = 5');
  await other.keyboard.press('Control+s');
  const second = other.getByRole('alert').filter({ hasText: 'Someone else saved shared.ipynb' });
  await second.getByRole('button', { name: 'Reload theirs' }).click();
  await expect(source(other, 1)).toHaveValue('a = 4');
  await expect(second).toBeHidden();
});

test('a sample is read-only until it is cloned into the person\'s folder', async ({ page }) => {
  await openNotebooks(page);
  const samples = page.getByRole('list', { name: 'Sample notebooks' });
  await expect(samples.getByRole('link')).toHaveCount(3);
  await samples.getByRole('link', { name: /Train a classifier and track it with MLflow/ }).click();
  await expect(page).toHaveURL(/sample=train-classifier-mlflow\.ipynb/);
  await expect(page.getByText('This sample is read-only.')).toBeVisible();
  const code = page.getByRole('textbox', { name: /^Cell \d+ source \(Code\)$/ }).first();
  await expect(code).toHaveAttribute('readonly', '');
  await expect(cells(page)).toContainText('MLClient.from_config(DefaultAzureCredential())');

  await page.getByRole('button', { name: 'Clone' }).click();
  await expect(page).toHaveURL(/path=Users\/ada\/train-classifier-mlflow\.ipynb/);
  await expect(tree(page).getByRole('treeitem', { name: 'train-classifier-mlflow.ipynb' })).toBeVisible();
  await expect(cells(page)).toContainText('mlflow.log_metric');
  await expect(page.getByRole('textbox', { name: /^Cell \d+ source \(Code\)$/ }).first()).not.toHaveAttribute('readonly', '');

  await samples.getByRole('link', { name: /Train a classifier/ }).click();
  await page.getByRole('button', { name: 'Clone' }).click();
  await expect(page).toHaveURL(/path=Users\/ada\/train-classifier-mlflow-Copy1\.ipynb/);
});

test('a notebook over 1 MB opens, and the script in its HTML output never runs', async ({ page }) => {
  const filler = 'x'.repeat(99) + '\n';
  const cellsJson = Array.from({ length: 120 }, (_, i) => ({
    cell_type: 'code', id: `c${i}`, metadata: {}, execution_count: i + 1, source: [`print(${i})`],
    outputs: [{ output_type: 'stream', name: 'stdout', text: [filler.repeat(90)] }],
  }));
  cellsJson.push({
    cell_type: 'code', id: 'html', metadata: {}, execution_count: 121, source: ['display(HTML(page))'],
    outputs: [{
      output_type: 'display_data', metadata: {},
      data: {
        'text/html': ['<p id="t">static text</p><script>document.getElementById("t").textContent = "script ran"; window.parent.__y = 1;</script>'],
        'text/plain': ['<IPython.core.display.HTML object>'],
      },
    } as any],
  });
  const notebook = JSON.stringify({ cells: cellsJson, metadata: {}, nbformat: 4, nbformat_minor: 5 });
  expect(notebook.length).toBeGreaterThan(1_000_000);

  await openNotebooks(page);
  await page.getByLabel('Upload files').setInputFiles({ name: 'big.ipynb', mimeType: 'application/x-ipynb+json', buffer: Buffer.from(notebook) });
  await tree(page).getByRole('treeitem', { name: 'big.ipynb' }).getByRole('link').click();
  await expect(cells(page).getByRole('listitem')).toHaveCount(121);
  const frame = page.getByTitle('HTML output (shown without running its scripts)');
  await frame.scrollIntoViewIfNeeded();
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(page.frameLocator('iframe[title^="HTML output"]').getByText('static text')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__y)).toBeUndefined();
  await expect(page.frameLocator('iframe[title^="HTML output"]').getByText('script ran')).toHaveCount(0);
});

test('an editor whose code cannot be downloaded says so, and opens once it can', async ({ page }) => {
  // The editor is a part of the page, in a file of its own, fetched when a file is opened.
  await page.route(/\/split_notebooks__editor\.wasm$/, (route) => route.abort('internetdisconnected'));
  await openStudio(page, '/notebooks?sample=get-started.ipynb');
  await expect(page.getByRole('alert')).toContainText('This part of the studio could not be downloaded');
  // The page around it still works, and the editor comes once the connection is back.
  await expect(page.getByRole('list', { name: 'Sample notebooks' }).getByRole('link')).toHaveCount(3);
  await page.unroute(/\/split_notebooks__editor\.wasm$/);
  await page.getByRole('list', { name: 'Sample notebooks' }).getByRole('link', { name: /Train a classifier/ }).click();
  await expect(page.getByText('This sample is read-only.')).toBeVisible();
});
