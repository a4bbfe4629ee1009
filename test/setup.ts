// tsyringe throws at import without the Reflect metadata polyfill; load it once for every test file.
import 'reflect-metadata';
