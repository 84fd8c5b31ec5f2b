// One import of React for every hook: bundlers that keep `react` external (and our
// size measurement) then emit a single import statement instead of one per hook.
export { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
