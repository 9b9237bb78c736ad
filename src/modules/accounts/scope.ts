// The caller's reach: a subtree of the account tree. Every repo function that reads tenant data
// takes a Scope first; one is made only from an authenticated account, so forgetting it fails to
// compile rather than leaking a sibling's data.
declare const scopeBrand: unique symbol;

export type Scope = { readonly accountId: string; readonly path: string; readonly [scopeBrand]: true };

export function scopeOf(account: { id: string; path: string }): Scope {
  return { accountId: account.id, path: account.path } as Scope;
}

/** True when `path` lies inside the scope (the scope's own account included). */
export function inScope(scope: Scope, path: string): boolean {
  return path.startsWith(scope.path);
}
