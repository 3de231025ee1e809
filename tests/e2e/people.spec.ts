// People with passwords of their own (a server started without --demo): the first Owner sets a
// password with the code printed at start, adds a class roster, hands out the one-time codes, a
// student sets a password and signs in, a wrong password is refused, a reset ends the session and
// the sign-in page says so.
import { expect, test } from './helpers';
import { startServer, type ServerHandle } from './helpers';

test.skip(({ store }) => store === 'browser', 'passwords are the server’s; the browser keeps demo identities');

test('a class gets its own passwords from one-time codes', async ({ page, browser }) => {
  const server = await startServer(['--no-demo']);
  try {
    const owner = await fetch(`${server.url}/api/members`).then((r) => r.json());
    expect(owner.mode).toBe('password');
    const code = await ownerCode(server);
    await page.goto(`${server.url}/`);
    await expect(page.getByRole('heading', { name: 'Sign in to Azimuth' })).toBeVisible();
    // With passwords nobody's name is listed before signing in: people type theirs.
    await expect(page.getByRole('combobox', { name: 'Person' })).toHaveCount(0);
    await page.getByRole('textbox', { name: 'Name or sign-in name' }).fill('ada@contoso.com');
    await page.getByLabel('Password', { exact: true }).fill('not set yet');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'If you have no password yet' })).toBeVisible();
    await page.getByRole('button', { name: 'Set your password' }).click();
    await page.getByLabel('One-time code').fill(code);
    await page.getByLabel('New password', { exact: true }).fill('ada-secret-1843');
    await page.getByLabel('Confirm new password').fill('ada-secret-1843');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(page.getByRole('button', { name: 'Toggle navigation' })).toBeVisible();

    // Ada adds two students and hands out their codes.
    await page.goto(`${server.url}/people`);
    await page.getByLabel('Names, one per line').fill('Student One\nStudent Two\n');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const codes = page.getByRole('table', { name: 'One-time codes' });
    const row = codes.getByRole('row').filter({ hasText: 'Student One' });
    await expect(row).toContainText('student.one@azimuth.local');
    const studentCode = (await row.getByRole('cell').nth(2).innerText()).trim();
    expect(studentCode).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}$/);

    // The student sets a password in a browser of their own, and signs in with it later.
    const student = await browser.newPage();
    await student.goto(`${server.url}/`);
    await student.getByRole('textbox', { name: 'Name or sign-in name' }).fill('Student One');
    await student.getByRole('button', { name: 'Set your password' }).click();
    await student.getByLabel('One-time code').fill(studentCode.toLowerCase());
    await student.getByLabel('New password', { exact: true }).fill('my own secret');
    await student.getByLabel('Confirm new password').fill('my own secret');
    await student.getByRole('button', { name: 'Set password and sign in' }).click();
    // No role in any workspace yet: the start page says so.
    await expect(student.getByText('You hold a role in no workspace yet.')).toBeVisible();

    // Ada resets the student: the student's session ends and the sign-in page says why.
    await page.getByRole('button', { name: 'Reset Student One' }).click();
    await expect(codes.getByRole('row').filter({ hasText: 'Student One' })).toHaveCount(1);
    await student.goto(`${server.url}/`);
    await expect(student.getByRole('heading', { name: 'Sign in to Azimuth' })).toBeVisible();
    await expect(student.getByRole('status')).toContainText('Your session ended');
    await student.getByRole('textbox', { name: 'Name or sign-in name' }).fill('Student One');
    await student.getByLabel('Password', { exact: true }).fill('my own secret');
    await student.getByRole('button', { name: 'Sign in' }).click();
    await expect(student.getByRole('alert').filter({ hasText: 'If you have no password yet' })).toBeVisible();
    await student.close();
  } finally {
    await server.dispose();
  }
});

/** The first Owner's one-time code, as `azimuth-server` printed it when it started. */
async function ownerCode(server: ServerHandle): Promise<string> {
  await expect.poll(() => server.printed()).toMatch(/one-time code [A-Z2-9]{5}-[A-Z2-9]{5}/);
  return server.printed().match(/one-time code ([A-Z2-9]{5}-[A-Z2-9]{5})/)![1];
}
