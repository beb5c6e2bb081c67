// Exports neither forward nor backward.
export const forwards = () => 0;
