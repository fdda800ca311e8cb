/** A mailbox as printed in a forward header: `"张三"<zs@qq.com>;`, `张三 [mailto:zs@qq.com]`, `zs@qq.com`. */
export interface PrintedAddress {
  name?: string;
  address?: string;
}

const ADDRESS = /[A-Za-z0-9._%+\-!#$&'*/=?^`{|}~]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+/;

export function parsePrintedAddress(input: string): PrintedAddress {
  // Only the first mailbox of a list counts.
  const text = input.replace(/[\u00a0\u3000]/g, ' ').trim();
  const addr = ADDRESS.exec(text);
  if (!addr) {
    const name = text
      .replace(/[;；,，]+$/, '')
      .replace(/^["'“]+|["'”]+$/g, '')
      .trim();
    return name ? { name } : {};
  }
  const before = text.slice(0, addr.index);
  const name = before
    .replace(/(?:<|\[mailto:|\(|（|&lt;)\s*$/i, '')
    .replace(/[;；,，]/g, ' ')
    .trim()
    .replace(/^["'“]+|["'”]+$/g, '')
    .trim();
  return { ...(name ? { name } : {}), address: addr[0].toLowerCase() };
}
