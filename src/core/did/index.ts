export * from './did-syntax.ts';
export * from './document-content.ts';
export * from './operations.ts';
export * from './did-document.ts';
export * from './resolution.ts';
