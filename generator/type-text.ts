/**
 * A type as the user wrote it, on one line: the generated client repeats parameter and result
 * types verbatim, but a multi-line object type or a comment inside one would not fit a
 * signature line. Tokens are kept, comments dropped, each run of whitespace becomes one space.
 */
import { ts } from 'ts-morph';

export function oneLineTypeText(node: ts.Node): string {
  const text = node.getText();
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, /* skipTrivia */ false, ts.LanguageVariant.Standard, text);
  let out = '';
  let space = false;
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (isTrivia(token)) {
      space = out.length > 0;
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += scanner.getTokenText();
  }
  return out;
}

function isTrivia(token: ts.SyntaxKind): boolean {
  return token === ts.SyntaxKind.WhitespaceTrivia || token === ts.SyntaxKind.NewLineTrivia
    || token === ts.SyntaxKind.SingleLineCommentTrivia || token === ts.SyntaxKind.MultiLineCommentTrivia;
}
