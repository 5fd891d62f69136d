// Registers every protocol front-end with the server (each protocol adds one import here).
export {};
