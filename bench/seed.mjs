// Seeds the benchmark tenant through the real API (every write goes through validation, the single
// writer and the audit chain, as a client's would): 10,000 items, 1,000 employees, 10,000 journal
// entries. Usage: node seed.mjs <baseUrl> <accessToken> [items] [employees] [entries]
const [base, token, nItems = '10000', nEmployees = '1000', nEntries = '10000'] = process.argv.slice(2);
const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
const concurrency = 8;

async function post(path, body) {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) });
    if (res.status === 201) { return res.json(); }
    const text = await res.text();
    if ((res.status === 429 || res.status === 503) && attempt < 20) { await new Promise(r => setTimeout(r, 200)); continue; }
    throw new Error(`${path}: ${res.status} ${text}`);
  }
}

async function run(count, make) {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (true) {
      const i = next++;
      if (i >= count) { return; }
      await make(i);
    }
  });
  await Promise.all(workers);
}

const stamp = Date.now().toString(36).toUpperCase();
const t0 = Date.now();
await run(Number(nItems), i => post('/api/v1/items', {
  sku: `BENCH-${stamp}-${i}`, name: `Bench item ${i}`, description: '<p>Rich <b>text</b></p>', unit: 'pcs', unitCost: 1 + (i % 500) / 4,
}));
console.log(`items: ${nItems} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const t1 = Date.now();
await run(Number(nEmployees), i => post('/api/v1/employees', {
  number: `B${stamp}${i}`.slice(0, 20), firstName: 'Bench', lastName: `Person ${i}`, workEmail: `bench${i}.${stamp.toLowerCase()}@demo.example`,
  department: ['Finance', 'Sales', 'Ops', 'IT'][i % 4], title: 'Clerk', hireDate: '2021-03-01', status: 'active',
  nationalId: `NI${stamp}${i}`, iban: 'DE89370400440532013000', salary: 40000 + i,
}));
console.log(`employees: ${nEmployees} in ${((Date.now() - t1) / 1000).toFixed(1)} s`);

const accounts = await (await fetch(`${base}/api/v1/accounts?pageSize=100`, { headers })).json();
const ids = accounts.items.map(a => a.id);
if (ids.length < 2) { throw new Error('need two accounts'); }
const t2 = Date.now();
await run(Number(nEntries), i => {
  const amount = 10 + (i % 1000);
  return post('/api/v1/journal-entries', {
    date: '2026-06-15', memo: `Bench entry ${i}`,
    lines: [{ accountId: ids[i % ids.length], debit: amount, credit: 0 }, { accountId: ids[(i + 1) % ids.length], debit: 0, credit: amount }],
  });
});
console.log(`journal entries: ${nEntries} in ${((Date.now() - t2) / 1000).toFixed(1)} s`);
