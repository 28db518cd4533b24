// The baseline of bench/cli: what Node takes to start and import undici, nothing else.
import 'undici';
