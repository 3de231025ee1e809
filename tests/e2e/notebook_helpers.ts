// What the notebook specs share: the Files tree, the cells, and a new notebook in Ada's folder.
import { expect, openStudio } from './helpers';
import type { Locator, Page } from '@playwright/test';

/** Ada's folder in workspaceworkingdirectory. */
export const HOME = 'Users/ada';

/** The Files tree. */
export function tree(page: Page): Locator {
  return page.getByRole('tree', { name: 'Files' });
}

/** The open notebook's cells. */
export function cells(page: Page): Locator {
  return page.getByRole('list', { name: 'Cells' });
}

/** The source box of cell `n` (1-based). */
export function source(page: Page, n: number, kind = 'Code'): Locator {
  return page.getByRole('textbox', { name: `Cell ${n} source (${kind})` });
}

/** Opens Authoring → Notebooks, signed in as Ada. */
export async function openNotebooks(page: Page): Promise<void> {
  await openStudio(page, '/notebooks');
  await expect(page.getByRole('heading', { name: 'Notebooks', level: 1 })).toBeVisible();
  await expect(tree(page).getByRole('treeitem', { name: 'ada' })).toBeVisible();
}

/** Creates a file in Ada's folder with the New file dialog and waits until it is open. */
export async function newFile(page: Page, name: string, type = 'Notebook (.ipynb)'): Promise<void> {
  await page.getByRole('toolbar', { name: 'Files actions' }).getByRole('button', { name: 'New file' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create new file' });
  await dialog.getByLabel('Folder').fill(`${HOME}/`);
  await expect(dialog.getByLabel('File name')).toHaveValue(/^Untitled\d*\.ipynb$/);
  await dialog.getByLabel('File type').selectOption({ label: type });
  await dialog.getByLabel('File name').fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(new RegExp(`path=${HOME}/${name.replace('.', '\\.')}`));
}
