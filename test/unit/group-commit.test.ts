/** Group commit: waiting requests share the next insert; failures reach only their own group; size is bounded. */
import { describe, expect, it } from 'vitest';
import { GroupCommit } from '../../electron/sandbox/group-commit.js';

function controlledWrite() {
  const writes: { payload: string; finish: (error?: Error) => void }[] = [];
  const write = (payload: Buffer) =>
    new Promise<void>((resolve, reject) => writes.push({ payload: payload.toString(), finish: (error) => (error ? reject(error) : resolve()) }));
  return { writes, write };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  it('writes the first payload at once and everything that waited for it in one insert after', async () => {
    const { writes, write } = controlledWrite();
    const commits = new GroupCommit(write);
    const done: string[] = [];
    const a = commits.submit(Buffer.from('a\n')).then(() => done.push('a'));
    await tick();
    const b = commits.submit(Buffer.from('b\n')).then(() => done.push('b'));
    const c = commits.submit(Buffer.from('c\n')).then(() => done.push('c'));
    await tick();
    expect(writes.map((w) => w.payload)).toEqual(['a\n']);
    expect(done).toEqual([]); // nobody is answered before their insert finished
    writes[0]!.finish();
    await a;
    await tick();
    expect(writes.map((w) => w.payload)).toEqual(['a\n', 'b\nc\n']);
    expect(done).toEqual(['a']);
    writes[1]!.finish();
    await Promise.all([b, c]);
    expect(done).toEqual(['a', 'b', 'c']);
    expect([commits.inserts, commits.payloads]).toEqual([2, 3]);
  });

  it('fails only the group whose insert failed, and keeps going', async () => {
    const { writes, write } = controlledWrite();
    const commits = new GroupCommit(write);
    const first = commits.submit(Buffer.from('1\n'));
    await tick();
    const second = commits.submit(Buffer.from('2\n'));
    writes[0]!.finish(new Error('disk full'));
    await expect(first).rejects.toThrow('disk full');
    await tick();
    writes[1]!.finish();
    await expect(second).resolves.toBeUndefined();
  });

  it('cuts groups at the size limit, but never refuses one large payload', async () => {
    const { writes, write } = controlledWrite();
    const commits = new GroupCommit(write, 4);
    const all = [commits.submit(Buffer.from('xxxxxx\n'))];
    await tick();
    for (const p of ['a\n', 'b\n', 'c\n']) all.push(commits.submit(Buffer.from(p)));
    for (let i = 0; i < 3; i++) {
      writes[i]!.finish();
      await tick();
      await tick();
    }
    await Promise.all(all);
    expect(writes.map((w) => w.payload)).toEqual(['xxxxxx\n', 'a\nb\n', 'c\n']);
  });

  it('answers each request of a failed shared insert for itself: one poison request fails alone', async () => {
    const written: string[] = [];
    const write = async (payload: Buffer) => {
      const text = payload.toString();
      if (text.includes('poison')) throw new Error('cannot store poison');
      written.push(text);
    };
    const commits = new GroupCommit(write);
    const results = await Promise.allSettled(['a\n', 'b\n', 'poison\n', 'c\n'].map((p) => commits.submit(Buffer.from(p))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(written.join('')).toBe('a\nb\nc\n');
  });
});
